# Redis holds counters only (rate limits, quota counters rebuilt from the ledger; see docs/operations.md), so it
# keeps no snapshots. TLS is required and every client authenticates with the token kept in Secrets Manager.

resource "aws_elasticache_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.database[*].id

  tags = local.tags
}

# ElastiCache accepts 16 to 128 printable characters without @, " or /; letters and digits keep the token safe
# inside the rediss:// URI too.
resource "random_password" "redis_auth" {
  length  = 64
  special = false
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = local.name
  description          = "ChannelHub rate limits and quota counters"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  port                 = 6379
  parameter_group_name = "default.redis7"

  num_cache_clusters          = var.redis_replica_count + 1
  preferred_cache_cluster_azs = [for i in range(var.redis_replica_count + 1) : local.azs[i % var.az_count]]
  automatic_failover_enabled  = true
  multi_az_enabled            = true
  subnet_group_name           = aws_elasticache_subnet_group.this.name
  security_group_ids          = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.platform.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = random_password.redis_auth.result
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = 0
  maintenance_window         = var.redis_maintenance_window
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = local.tags
}
