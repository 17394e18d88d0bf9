# No output carries a secret value, so none needs to be sensitive: the hub's secrets stay in Secrets Manager and are
# found by their names and ARNs. test/parse.mjs fails if an output ever refers to a generated secret without
# sensitive = true.

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the Kubernetes API."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IRSA)."
  value       = aws_iam_openid_connect_provider.eks.arn
}

output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnets of the nodes (tagged for internal load balancers)."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (tagged for internet-facing load balancers)."
  value       = aws_subnet.public[*].id
}

output "app_security_group_id" {
  description = "Security group the database and Redis admit; the nodes carry it."
  value       = aws_security_group.app.id
}

output "rds_endpoint" {
  description = "MariaDB host name (the full JDBC URL is in the database secret)."
  value       = aws_db_instance.this.address
}

output "rds_port" {
  description = "MariaDB port."
  value       = aws_db_instance.this.port
}

output "rds_instance_id" {
  description = "RDS instance identifier (for point-in-time restores)."
  value       = aws_db_instance.this.identifier
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint (TLS, port 6379; the rediss:// URI with its token is in the Redis secret)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "backups_bucket_name" {
  description = "S3 bucket of the logical backups."
  value       = aws_s3_bucket.backups.bucket
}

output "media_bucket_name" {
  description = "S3 bucket of the hub's media."
  value       = aws_s3_bucket.media.bucket
}

output "hub_kms_key_arn" {
  description = "KMS key of the hub's secrets and S3 objects."
  value       = aws_kms_key.hub.arn
}

output "secret_arns" {
  description = "Secrets Manager ARNs of the hub's secrets: secrets_key, database, redis."
  value = {
    secrets_key = aws_secretsmanager_secret.secrets_key.arn
    database    = aws_secretsmanager_secret.database.arn
    redis       = aws_secretsmanager_secret.redis.arn
  }
}

output "hub_role_arn" {
  description = "IRSA role of the hub's service account (eks.amazonaws.com/role-arn annotation)."
  value       = aws_iam_role.hub.arn
}

output "backup_role_arn" {
  description = "IRSA role of the backup CronJob's service account."
  value       = aws_iam_role.backup.arn
}

output "helm_values" {
  description = "Values for helm/channelhub that wire this module in (see README.md): terraform output -json helm_values."
  value = {
    serviceAccount = {
      name = var.service_account_name
      annotations = {
        "eks.amazonaws.com/role-arn" = aws_iam_role.hub.arn
      }
    }
    backup = {
      serviceAccount = {
        name = var.backup_service_account_name
        annotations = {
          "eks.amazonaws.com/role-arn" = aws_iam_role.backup.arn
        }
      }
      s3 = {
        bucket = aws_s3_bucket.backups.bucket
        prefix = var.backup_prefix
        region = local.region
      }
    }
    media = {
      bucket = aws_s3_bucket.media.bucket
      prefix = var.media_prefix
    }
    awsSecrets = {
      secretsKey = aws_secretsmanager_secret.secrets_key.name
      database   = aws_secretsmanager_secret.database.name
      redis      = aws_secretsmanager_secret.redis.name
    }
  }
}
