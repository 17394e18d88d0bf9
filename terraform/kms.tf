# Two customer managed keys. "hub" encrypts what the hub itself reads and writes (its secrets and its S3 objects),
# so the hub's role may decrypt with it; "platform" encrypts what only AWS services read (RDS storage and
# Performance Insights, Redis at rest, Kubernetes secrets, CloudWatch logs), and no workload role may use it.
#
# Both key policies delegate to IAM: the account may use and administer the key only through IAM policies, which
# is where least privilege is enforced (iam.tf). A key policy's "Resource" is always "*", meaning the key itself.

resource "aws_kms_key" "hub" {
  description             = "${local.name}: the hub's secrets and S3 objects"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.hub_key.json

  tags = local.tags
}

resource "aws_kms_alias" "hub" {
  name          = "alias/${local.name}-hub"
  target_key_id = aws_kms_key.hub.key_id
}

resource "aws_kms_key" "platform" {
  description             = "${local.name}: RDS, ElastiCache, EKS secrets and CloudWatch logs"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.platform_key.json

  tags = local.tags
}

resource "aws_kms_alias" "platform" {
  name          = "alias/${local.name}-platform"
  target_key_id = aws_kms_key.platform.key_id
}

locals {
  kms_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  kms_use_actions = [
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]
}

data "aws_iam_policy_document" "hub_key" {
  statement {
    sid       = "AdministerThroughIam"
    actions   = local.kms_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "UseThroughIam"
    actions   = local.kms_use_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "platform_key" {
  statement {
    sid       = "AdministerThroughIam"
    actions   = local.kms_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Only through the services that encrypt with this key, so no role can decrypt with it directly.
  statement {
    sid       = "UseThroughAwsServices"
    actions   = local.kms_use_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "rds.${local.region}.${local.dns_suffix}",
        "elasticache.${local.region}.${local.dns_suffix}",
        "eks.${local.region}.${local.dns_suffix}",
      ]
    }
  }

  # EKS encrypts Kubernetes secrets by calling KMS directly with the cluster role.
  statement {
    sid       = "EksClusterRole"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.cluster.arn]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${local.dns_suffix}"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group}",
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.cluster_log_group}",
      ]
    }
  }
}
