# ChannelHub in production: the module with example values. Copy this directory, set the backend and the values
# marked "example", then: terraform init && terraform plan -out plan && terraform apply plan.

terraform {
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }

  # State holds the generated passwords and keys: keep it in an encrypted, versioned, access-restricted bucket.
  # terraform init -backend-config=backend.hcl (bucket, key, region, dynamodb_table or use_lockfile).
  backend "s3" {}
}

provider "aws" {
  region = "sa-east-1" # example

  default_tags {
    tags = {
      "owner"       = "platform-team" # example
      "cost-center" = "channelhub"    # example
    }
  }
}

module "channelhub" {
  source = "../.."

  environment = "production"
  vpc_cidr    = "10.40.0.0/16" # example: must not overlap networks you peer with
  az_count    = 3

  kubernetes_version                   = "1.32"
  cluster_endpoint_public_access_cidrs = ["203.0.113.0/24"] # example: your office or VPN egress
  node_instance_types                  = ["m6i.large"]
  node_min_size                        = 3
  node_desired_size                    = 3
  node_max_size                        = 6

  db_instance_class        = "db.r6g.large"
  db_allocated_storage_gib = 100
  db_backup_retention_days = 14

  redis_node_type     = "cache.r7g.large"
  redis_replica_count = 2

  backups_glacier_after_days = 30
  backups_expire_after_days  = 365
  media_expire_after_days    = 730
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.channelhub.cluster_name
}

output "helm_values" {
  description = "Values for helm/channelhub (terraform output -json helm_values > terraform-values.json)."
  value       = module.channelhub.helm_values
}

output "secret_arns" {
  description = "Secrets Manager ARNs of the hub's secrets."
  value       = module.channelhub.secret_arns
}
