# The hub's secrets, one per concern, each a JSON object whose keys are the environment variables the hub reads
# (docs/operations.md), so that a Kubernetes Secret synced from it can be given to the pods as it is. All are
# encrypted with the hub key; the hub's role may read these three and nothing else.

# CHANNELHUB_SECRETS_KEY: 32 random bytes, base64 (what `openssl rand -base64 32` makes). Terraform creates the
# secret but never its value: whatever Terraform generates or writes is kept in its state (and in every copy of the
# state), and this key unseals every plugin and channel secret in the database. Put the value once, outside
# Terraform (README.md, "The secrets key"); the hub refuses to start without it.
resource "aws_secretsmanager_secret" "secrets_key" {
  name                    = "${local.name}/secrets-key"
  description             = "ChannelHub CHANNELHUB_SECRETS_KEY (seals plugin and channel secrets in the database); its value is put outside Terraform"
  kms_key_id              = aws_kms_key.hub.arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = local.tags

  # Losing the secret loses every sealed value.
  lifecycle {
    prevent_destroy = true
  }
}

# Earlier versions of this module generated the key and wrote it as a secret version. Forget both without
# destroying them: the secret keeps its value, and the state stops carrying it (older state snapshots still do:
# rotate the key, README.md).
removed {
  from = random_bytes.secrets_key

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_secretsmanager_secret_version.secrets_key

  lifecycle {
    destroy = false
  }
}

resource "aws_secretsmanager_secret" "database" {
  name                    = "${local.name}/database"
  description             = "ChannelHub MariaDB connection (CHANNELHUB_DB_URL, CHANNELHUB_DB_USER, CHANNELHUB_DB_PASSWORD)"
  kms_key_id              = aws_kms_key.hub.arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "database" {
  secret_id = aws_secretsmanager_secret.database.id
  secret_string = jsonencode({
    CHANNELHUB_DB_URL      = "jdbc:mariadb://${aws_db_instance.this.address}:${aws_db_instance.this.port}/${var.db_name}?${var.db_jdbc_options}"
    CHANNELHUB_DB_USER     = var.db_username
    CHANNELHUB_DB_PASSWORD = random_password.db.result
    host                   = aws_db_instance.this.address
    port                   = aws_db_instance.this.port
    dbname                 = var.db_name
  })
}

resource "aws_secretsmanager_secret" "redis" {
  name                    = "${local.name}/redis"
  description             = "ChannelHub Redis (CHANNELHUB_REDIS_URI, rediss:// with the ElastiCache auth token)"
  kms_key_id              = aws_kms_key.hub.arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "redis" {
  secret_id = aws_secretsmanager_secret.redis.id
  secret_string = jsonencode({
    CHANNELHUB_REDIS_URI = "rediss://:${random_password.redis_auth.result}@${aws_elasticache_replication_group.this.primary_endpoint_address}:6379/0"
    auth_token           = random_password.redis_auth.result
  })
}
