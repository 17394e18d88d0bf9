#!/usr/bin/env bash
# Consistent logical backup of the hub's MariaDB database, as docs/disaster-recovery.md describes.
#
# One transaction (an InnoDB snapshot: writers go on, the dump sees one moment), routines, triggers and events,
# binary columns as hex, one row per INSERT in primary-key order; gzip; a manifest of every table's row count and the
# SHA-256 of its rows as the dump holds them, computed from the dump itself, so the manifest describes exactly the
# snapshot even while the database is being written (a manifest read from the live tables after the dump would not);
# a SHA-256 of both files. restore-mariadb.sh dumps what it restored the same way and compares. Optionally uploaded
# to S3.
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

# --skip-extended-insert and --order-by-primary: one row a line, in a stable order, so that the manifest can count
# and hash rows; --no-autocommit keeps the restore of single-row inserts fast (one commit a table).
mariadb-dump "${client[@]}" --single-transaction --quick --routines --triggers --events --hex-blob \
  --skip-extended-insert --order-by-primary --no-autocommit --skip-dump-date \
  --default-character-set=utf8mb4 --databases "$DB_NAME" | gzip -9 > "$base.sql.gz.partial"
mv "$base.sql.gz.partial" "$base.sql.gz"

gunzip -c "$base.sql.gz" | bash "$(dirname "$0")/dump-manifest.sh" > "$base.manifest"

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
