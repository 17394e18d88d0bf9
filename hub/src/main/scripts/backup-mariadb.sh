#!/usr/bin/env bash
# Consistent logical backup of the hub's MariaDB database, as docs/disaster-recovery.md describes.
#
# One transaction (an InnoDB snapshot: writers go on, the dump sees one moment), routines, triggers and events,
# binary columns as hex; gzip; a SHA-256 of the file; a manifest of row counts and CHECKSUM TABLE per table, taken
# right after the dump, which restore-mariadb.sh compares after restoring. On a database that is being written the
# manifest can differ from the dump for the tables written in between: take drill backups from a quiescent copy (a
# stopped replica, or a maintenance window) when the restore must prove equality. Optionally uploaded to S3.
#
# Environment: DB_NAME (required), DB_HOST (127.0.0.1), DB_PORT (3306), DB_USER (root), MYSQL_PWD (the password,
# read by the client from the environment so it never shows in a process list), BACKUP_DIR (./backups),
# BACKUP_S3_URI (s3://bucket/prefix, optional: needs the aws CLI), BACKUP_S3_KMS_KEY_ID (optional: the KMS key to
# encrypt with; unset, the bucket's default encryption applies — naming aws:kms without a key would pick the AWS
# managed key, which a bucket pinned to its own key, as terraform/ makes it, refuses).
# Prints the path of the backup file.
set -euo pipefail

: "${DB_NAME:?DB_NAME is required}"
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-3306}
DB_USER=${DB_USER:-root}
BACKUP_DIR=${BACKUP_DIR:-./backups}
mkdir -p "$BACKUP_DIR"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$BACKUP_DIR/$DB_NAME-$stamp"
client=(--protocol=tcp -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER")

mariadb-dump "${client[@]}" --single-transaction --quick --routines --triggers --events --hex-blob \
  --default-character-set=utf8mb4 --databases "$DB_NAME" | gzip -9 > "$base.sql.gz.partial"
mv "$base.sql.gz.partial" "$base.sql.gz"

# Row counts and checksums, for the restore to compare against.
tables=$(mariadb "${client[@]}" -N -B -e "SELECT table_name FROM information_schema.tables
  WHERE table_schema = '$DB_NAME' AND table_type = 'BASE TABLE' ORDER BY table_name")
{
  for t in $tables; do
    count=$(mariadb "${client[@]}" -N -B "$DB_NAME" -e "SELECT COUNT(*) FROM \`$t\`")
    sum=$(mariadb "${client[@]}" -N -B "$DB_NAME" -e "CHECKSUM TABLE \`$t\`" | awk '{print $2}')
    printf '%s\t%s\t%s\n' "$t" "$count" "$sum"
  done
} > "$base.manifest"

(cd "$BACKUP_DIR" && sha256sum "$(basename "$base.sql.gz")" "$(basename "$base.manifest")") > "$base.sha256"

if [ -n "${BACKUP_S3_URI:-}" ]; then
  sse=()
  if [ -n "${BACKUP_S3_KMS_KEY_ID:-}" ]; then
    sse=(--sse aws:kms --sse-kms-key-id "$BACKUP_S3_KMS_KEY_ID")
  fi
  for f in "$base.sql.gz" "$base.manifest" "$base.sha256"; do
    aws s3 cp --only-show-errors "${sse[@]}" "$f" "$BACKUP_S3_URI/$(basename "$f")"
  done
fi
echo "$base.sql.gz"
