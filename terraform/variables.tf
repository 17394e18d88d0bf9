# Naming

variable "name" {
  description = "Prefix of every resource name; with environment it must stay short enough for ElastiCache ids and S3 bucket names."
  type        = string
  default     = "channelhub"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.name)) && !endswith(var.name, "-")
    error_message = "The name must be 2 to 16 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "environment" {
  description = "Environment name (production, staging, ...); part of every resource name and tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.environment)) && length(var.environment) <= 12
    error_message = "The environment must be at most 12 lowercase letters, digits or single hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource, beside the module's own."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:")])
    error_message = "Tag keys must not start with aws: (reserved by AWS)."
  }
}

# Network

variable "az_count" {
  description = "Availability zones to spread subnets, NAT gateways, nodes, RDS and Redis across."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 2 to 6 (multi-AZ RDS and Redis need at least 2)."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC; split into private (nodes and pods), database and public subnets per zone."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition = (
      can(cidrhost(var.vpc_cidr, 0)) &&
      try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false) &&
      try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)
    )
    error_message = "The vpc_cidr must be a network address in CIDR notation with a prefix from /16 to /20 (e.g. 10.40.0.0/16)."
  }
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per zone (a zone's outage leaves the others online); false shares one to save cost outside production."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs and EKS control-plane logs in CloudWatch."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "The flow_log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

# Kubernetes (EKS)

variable "kubernetes_version" {
  description = "EKS Kubernetes version (major.minor)."
  type        = string
  default     = "1.32"

  validation {
    condition     = can(regex("^1\\.(29|3[0-9])$", var.kubernetes_version))
    error_message = "The kubernetes_version must be 1.29 or later, as major.minor (e.g. 1.32)."
  }
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API from the internet; empty keeps the API private to the VPC."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for c in var.cluster_endpoint_public_access_cidrs :
      can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)
    ])
    error_message = "The cluster_endpoint_public_access_cidrs must be CIDRs, and not 0.0.0.0/0 or ::/0."
  }
}

variable "cluster_admin_role_arns" {
  description = "IAM roles given cluster-admin access to the Kubernetes API (operators, the CI that installs the chart)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.cluster_admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "The cluster_admin_role_arns must be IAM role ARNs."
  }
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group (the first one that has capacity is used)."
  type        = list(string)
  default     = ["m6i.large"]

  validation {
    condition = length(var.node_instance_types) >= 1 && alltrue([
      for t in var.node_instance_types :
      can(regex("^[a-z][a-z0-9-]*\\.[0-9]*[a-z]+$", t)) && !can(regex("\\.(nano|micro|small)$", t))
    ])
    error_message = "The node_instance_types must list at least one EC2 instance type (e.g. m6i.large), none smaller than medium."
  }
}

variable "node_min_size" {
  description = "Fewest nodes in the node group; at least 2 so that one node's loss keeps the hub serving."
  type        = number
  default     = 3

  validation {
    condition     = var.node_min_size >= 2 && var.node_min_size <= 100 && floor(var.node_min_size) == var.node_min_size
    error_message = "The node_min_size must be a whole number from 2 to 100."
  }
}

variable "node_max_size" {
  description = "Most nodes in the node group."
  type        = number
  default     = 6

  validation {
    condition     = var.node_max_size >= 2 && var.node_max_size <= 100 && floor(var.node_max_size) == var.node_max_size
    error_message = "The node_max_size must be a whole number from 2 to 100."
  }
}

variable "node_desired_size" {
  description = "Nodes to start with (the cluster autoscaler, if installed, changes it afterwards)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_desired_size >= 2 && var.node_desired_size <= 100 && floor(var.node_desired_size) == var.node_desired_size
    error_message = "The node_desired_size must be a whole number from 2 to 100."
  }
}

variable "node_disk_size_gib" {
  description = "Root volume of each node (gp3, encrypted), in GiB."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gib >= 20 && var.node_disk_size_gib <= 1000
    error_message = "The node_disk_size_gib must be from 20 to 1000."
  }
}

variable "kubernetes_namespace" {
  description = "Namespace the Helm chart is installed in; the IRSA roles trust service accounts of this namespace only."
  type        = string
  default     = "channelhub"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.kubernetes_namespace))
    error_message = "The kubernetes_namespace must be a DNS-1123 label."
  }
}

variable "service_account_name" {
  description = "The hub's Kubernetes service account (the chart's serviceAccount.name)."
  type        = string
  default     = "channelhub"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.service_account_name))
    error_message = "The service_account_name must be a DNS-1123 subdomain."
  }
}

variable "backup_service_account_name" {
  description = "The backup CronJob's Kubernetes service account."
  type        = string
  default     = "channelhub-backup"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.backup_service_account_name))
    error_message = "The backup_service_account_name must be a DNS-1123 subdomain."
  }
}

# Database (RDS for MariaDB)

variable "db_instance_class" {
  description = "RDS instance class of the MariaDB primary (and its multi-AZ standby)."
  type        = string
  default     = "db.r6g.large"

  validation {
    condition     = can(regex("^db\\.[a-z][a-z0-9-]*\\.[0-9]*[a-z]+$", var.db_instance_class)) && !can(regex("\\.(micro|small)$", var.db_instance_class))
    error_message = "The db_instance_class must be an RDS class such as db.r6g.large; micro and small classes lack Performance Insights."
  }
}

variable "db_engine_version" {
  description = "MariaDB engine version: major.minor lets RDS apply minor upgrades in the maintenance window."
  type        = string
  default     = "10.11"

  validation {
    condition     = can(regex("^(10\\.11|11\\.4)(\\.[0-9]+)?$", var.db_engine_version))
    error_message = "The db_engine_version must be MariaDB 10.11 or 11.4 (the hub needs 10.11 or later), e.g. 10.11."
  }
}

variable "db_allocated_storage_gib" {
  description = "Initial gp3 storage of the database, in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.db_allocated_storage_gib >= 20 && var.db_allocated_storage_gib <= 65536
    error_message = "The db_allocated_storage_gib must be from 20 to 65536."
  }
}

variable "db_max_allocated_storage_gib" {
  description = "Upper bound of storage autoscaling, in GiB; at least db_allocated_storage_gib."
  type        = number
  default     = 500

  validation {
    condition     = var.db_max_allocated_storage_gib >= 20 && var.db_max_allocated_storage_gib <= 65536
    error_message = "The db_max_allocated_storage_gib must be from 20 to 65536."
  }
}

variable "db_name" {
  description = "Database the hub connects to (created with utf8mb4 by the parameter group's defaults)."
  type        = string
  default     = "channelhub"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,63}$", var.db_name))
    error_message = "The db_name must start with a letter and hold at most 64 letters, digits or underscores."
  }
}

variable "db_username" {
  description = "Master user of the database, which the hub uses; its password is generated and kept in Secrets Manager."
  type        = string
  default     = "channelhub"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.db_username)) && !contains(["rdsadmin", "root", "mysql"], var.db_username)
    error_message = "The db_username must be 1 to 16 lowercase letters, digits or underscores, starting with a letter, and not rdsadmin, root or mysql."
  }
}

variable "db_backup_retention_days" {
  description = "Days RDS keeps automated backups (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35 && floor(var.db_backup_retention_days) == var.db_backup_retention_days
    error_message = "The db_backup_retention_days must be a whole number from 7 to 35."
  }
}

variable "db_backup_window" {
  description = "Daily UTC window of RDS automated backups, hh:mm-hh:mm; must not overlap the maintenance window."
  type        = string
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "The db_backup_window must look like 03:00-04:00 (UTC)."
  }
}

variable "db_maintenance_window" {
  description = "Weekly UTC maintenance window of the database, ddd:hh:mm-ddd:hh:mm."
  type        = string
  default     = "sun:04:30-sun:05:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_maintenance_window))
    error_message = "The db_maintenance_window must look like sun:04:30-sun:05:30 (UTC)."
  }
}

variable "db_monitoring_interval" {
  description = "Seconds between RDS Enhanced Monitoring samples; 0 turns it off."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.db_monitoring_interval)
    error_message = "The db_monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "db_performance_insights_retention_days" {
  description = "Days Performance Insights keeps its data: 7 (free), a multiple of 31 up to 713, or 731."
  type        = number
  default     = 7

  validation {
    condition = (
      var.db_performance_insights_retention_days == 7 ||
      var.db_performance_insights_retention_days == 731 ||
      (var.db_performance_insights_retention_days % 31 == 0 && var.db_performance_insights_retention_days >= 31 && var.db_performance_insights_retention_days <= 713)
    )
    error_message = "The db_performance_insights_retention_days must be 7, a multiple of 31 up to 713, or 731."
  }
}

variable "db_jdbc_options" {
  description = "Query options of the JDBC URL stored in the database secret; TLS is required by the server, so sslMode must not be disable."
  type        = string
  default     = "sslMode=verify-full&serverSslCert=/etc/channelhub/rds/global-bundle.pem"

  validation {
    condition = (
      can(regex("^[A-Za-z][A-Za-z0-9]*=[^&[:space:]]+(&[A-Za-z][A-Za-z0-9]*=[^&[:space:]]+)*$", var.db_jdbc_options)) &&
      can(regex("(^|&)sslMode=(verify-full|verify-ca|trust)(&|$)", var.db_jdbc_options))
    )
    error_message = "The db_jdbc_options must be key=value pairs joined by & and set sslMode to verify-full, verify-ca or trust."
  }
}

# Cache (ElastiCache for Redis)

variable "redis_node_type" {
  description = "ElastiCache node type of every Redis node."
  type        = string
  default     = "cache.r7g.large"

  validation {
    condition     = can(regex("^cache\\.[a-z][a-z0-9-]*\\.[0-9]*[a-z]+$", var.redis_node_type)) && !can(regex("^cache\\.(t1|t2|m1|m2|m3|c1|r3)\\.", var.redis_node_type))
    error_message = "The redis_node_type must be a current ElastiCache node type such as cache.r7g.large (previous generations lack in-transit encryption)."
  }
}

variable "redis_engine_version" {
  description = "Redis engine version (7.x)."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "The redis_engine_version must be a Redis 7 version as major.minor, e.g. 7.1."
  }
}

variable "redis_replica_count" {
  description = "Read replicas beside the Redis primary, spread over the zones; automatic failover promotes one."
  type        = number
  default     = 2

  validation {
    condition     = var.redis_replica_count >= 1 && var.redis_replica_count <= 5 && floor(var.redis_replica_count) == var.redis_replica_count
    error_message = "The redis_replica_count must be a whole number from 1 to 5 (multi-AZ failover needs a replica)."
  }
}

variable "redis_maintenance_window" {
  description = "Weekly UTC maintenance window of Redis, ddd:hh:mm-ddd:hh:mm."
  type        = string
  default     = "sun:05:30-sun:06:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.redis_maintenance_window))
    error_message = "The redis_maintenance_window must look like sun:05:30-sun:06:30 (UTC)."
  }
}

# Storage (S3)

variable "media_prefix" {
  description = "Key prefix of the hub's objects in the media bucket; the hub's role reaches nothing else in it."
  type        = string
  default     = "media/"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*/$", var.media_prefix))
    error_message = "The media_prefix must be lowercase letters, digits or hyphens ending with / (no wildcards)."
  }
}

variable "backup_prefix" {
  description = "Key prefix of the logical backups (mariadb-dump) that the backup CronJob puts in the backups bucket."
  type        = string
  default     = "mariadb/"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*/$", var.backup_prefix))
    error_message = "The backup_prefix must be lowercase letters, digits or hyphens ending with / (no wildcards)."
  }
}

variable "backups_glacier_after_days" {
  description = "Days after which logical backups move to S3 Glacier Flexible Retrieval."
  type        = number
  default     = 30

  validation {
    condition     = var.backups_glacier_after_days >= 1 && var.backups_glacier_after_days <= 3650 && floor(var.backups_glacier_after_days) == var.backups_glacier_after_days
    error_message = "The backups_glacier_after_days must be a whole number from 1 to 3650."
  }
}

variable "backups_expire_after_days" {
  description = "Days after which logical backups are deleted; later than backups_glacier_after_days."
  type        = number
  default     = 365

  validation {
    condition     = var.backups_expire_after_days >= 7 && var.backups_expire_after_days <= 3650 && floor(var.backups_expire_after_days) == var.backups_expire_after_days
    error_message = "The backups_expire_after_days must be a whole number from 7 to 3650."
  }
}

variable "media_expire_after_days" {
  description = "Days after which media objects are deleted."
  type        = number
  default     = 730

  validation {
    condition     = var.media_expire_after_days >= 1 && var.media_expire_after_days <= 3650 && floor(var.media_expire_after_days) == var.media_expire_after_days
    error_message = "The media_expire_after_days must be a whole number from 1 to 3650."
  }
}

variable "noncurrent_version_expire_days" {
  description = "Days a replaced or deleted object version is kept in either bucket (undo window)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expire_days >= 1 && var.noncurrent_version_expire_days <= 365 && floor(var.noncurrent_version_expire_days) == var.noncurrent_version_expire_days
    error_message = "The noncurrent_version_expire_days must be a whole number from 1 to 365."
  }
}

# Keys and secrets

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30 && floor(var.secret_recovery_window_days) == var.secret_recovery_window_days
    error_message = "The secret_recovery_window_days must be a whole number from 7 to 30."
  }
}

variable "kms_deletion_window_days" {
  description = "Days a KMS key scheduled for deletion can still be restored."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "The kms_deletion_window_days must be a whole number from 7 to 30."
  }
}
