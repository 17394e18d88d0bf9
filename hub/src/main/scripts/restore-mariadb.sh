#!/usr/bin/env bash
# Restores a backup made by backup-mariadb.sh into DB_NAME (created if missing), then proves it: the files' SHA-256
# must match, and a dump of what was restored, made the same way, must hold every table with the same rows as the
# backup's manifest (count and SHA-256 of the rows). The manifest came from the backup's own dump, so the proof
# holds for a backup taken while the database was being written. Exits non-zero on any difference, naming the table.
#
# Usage: restore-mariadb.sh <backup.sql.gz>   (the .manifest and .sha256 beside it)
# Environment: DB_NAME (the database to restore into; default: the one in the backup), DB_HOST, DB_PORT, DB_USER,
# MYSQL_PWD as for the backup.
set -euo pipefail

file=${1:?usage: restore-mariadb.sh <backup.sql.gz>}
base=${file%.sql.gz}
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-3306}
DB_USER=${DB_USER:-root}
client=(--protocol=tcp -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER")

(cd "$(dirname "$file")" && sha256sum --quiet -c "$(basename "$base.sha256")")

source_db=$(gunzip -c "$file" | sed -n 's/^CREATE DATABASE .*`\([^`]*\)`.*/\1/p' | head -n 1)
target=${DB_NAME:-$source_db}
# The dump names its database; a restore under another name rewrites those two statements only.
gunzip -c "$file" \
  | sed -e "s/^CREATE DATABASE \(.*\)\`$source_db\`/CREATE DATABASE \1\`$target\`/" \
        -e "s/^USE \`$source_db\`;/USE \`$target\`;/" \
  | mariadb "${client[@]}"

restored=$(mktemp)
trap 'rm -f "$restored"' EXIT
mariadb-dump "${client[@]}" --single-transaction --quick --hex-blob --skip-extended-insert --order-by-primary \
  --skip-dump-date --default-character-set=utf8mb4 --skip-triggers "$target" \
  | bash "$(dirname "$0")/dump-manifest.sh" > "$restored"

status=0
while IFS=$'\t' read -r table count sum; do
  line=$(awk -F'\t' -v t="$table" '$1 == t' "$restored")
  now_count=$(echo "$line" | cut -f2)
  now_sum=$(echo "$line" | cut -f3)
  if [ -z "$line" ] || [ "$now_count" != "$count" ] || [ "$now_sum" != "$sum" ]; then
    echo "MISMATCH $table: rows ${now_count:-missing} (backup $count), rows' SHA-256 ${now_sum:-missing} (backup $sum)" >&2
    status=1
  fi
done < "$base.manifest"
[ "$(wc -l < "$restored")" -eq "$(wc -l < "$base.manifest")" ] || { echo "MISMATCH: the restored database has other tables" >&2; status=1; }
[ $status -eq 0 ] && echo "restored $target: every table matches the backup's manifest"
exit $status
