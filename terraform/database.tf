locals {
  db_family = "mariadb${join(".", slice(split(".", var.db_engine_version), 0, 2))}"
}

resource "aws_db_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.database[*].id

  tags = local.tags
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${local.name}-"
  family      = local.db_family
  description = "ChannelHub: utf8mb4, TLS only"

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name  = "collation_server"
    value = "utf8mb4_unicode_ci"
  }

  parameter {
    name  = "require_secure_transport"
    value = "1"
  }

  # Channel bodies (widget uploads) reach 10 MiB and are stored as LONGBLOB.
  parameter {
    name  = "max_allowed_packet"
    value = "67108864"
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "random_password" "db" {
  length  = 40
  special = false
}

resource "aws_db_instance" "this" {
  identifier     = local.name
  engine         = "mariadb"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name  = var.db_name
  username = var.db_username
  password = random_password.db.result
  port     = 3306

  allocated_storage     = var.db_allocated_storage_gib
  max_allocated_storage = var.db_max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.platform.arn

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.database.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.db_backup_retention_days
  backup_window             = var.db_backup_window
  maintenance_window        = var.db_maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.platform.arn
  performance_insights_retention_period = var.db_performance_insights_retention_days
  monitoring_interval                   = var.db_monitoring_interval
  monitoring_role_arn                   = var.db_monitoring_interval > 0 ? aws_iam_role.rds_monitoring.arn : null
  enabled_cloudwatch_logs_exports       = ["error", "slowquery"]

  tags = local.tags

  lifecycle {
    precondition {
      condition     = var.db_max_allocated_storage_gib >= var.db_allocated_storage_gib
      error_message = "The db_max_allocated_storage_gib must be at least db_allocated_storage_gib."
    }
  }
}
