#!/usr/bin/env bash
# Exports one tenant's rows from every table that has a tenant_id column (the schema says which), as SQL inserts,
# gzip, with a SHA-256: for moving a tenant, or handing a client company its data.
#
# Usage: export-tenant.sh <tenant id>
# Environment: DB_NAME (required), DB_HOST, DB_PORT, DB_USER, MYSQL_PWD, BACKUP_DIR as for backup-mariadb.sh.
# Prints the path of the export.
set -euo pipefail

tenant=${1:?usage: export-tenant.sh <tenant id>}
case "$tenant" in
  *[!A-Za-z0-9_]*) echo "not a tenant id: $tenant" >&2; exit 2 ;;
esac
: "${DB_NAME:?DB_NAME is required}"
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-3306}
DB_USER=${DB_USER:-root}
BACKUP_DIR=${BACKUP_DIR:-./backups}
mkdir -p "$BACKUP_DIR"
client=(--protocol=tcp -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER")

tables=$(mariadb "${client[@]}" -N -B -e "SELECT DISTINCT table_name FROM information_schema.columns
  WHERE table_schema = '$DB_NAME' AND column_name = 'tenant_id' ORDER BY table_name")
out="$BACKUP_DIR/tenant-$tenant-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
{
  # The tenants row itself has the id in its id column.
  mariadb-dump "${client[@]}" --single-transaction --no-create-info --skip-triggers --hex-blob \
    --default-character-set=utf8mb4 --where="id='$tenant'" "$DB_NAME" tenants
  # shellcheck disable=SC2086
  mariadb-dump "${client[@]}" --single-transaction --no-create-info --skip-triggers --hex-blob \
    --default-character-set=utf8mb4 --where="tenant_id='$tenant'" "$DB_NAME" $tables
} | gzip -9 > "$out"
(cd "$BACKUP_DIR" && sha256sum "$(basename "$out")") > "$out.sha256"
echo "$out"
