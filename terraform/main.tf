# The module configures no provider: the caller's aws provider (region, credentials, default tags) is used, as in
# examples/production.

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  name       = "${var.name}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix
  azs        = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  tags = merge(var.tags, {
    "app.kubernetes.io/part-of" = "channelhub"
    "channelhub/environment"    = var.environment
  })
}
