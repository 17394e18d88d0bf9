#!/usr/bin/env bash
# Restores a backup made by backup-mariadb.sh into DB_NAME (created if missing), then proves it: the file's SHA-256
# must match, and every table's row count and CHECKSUM TABLE must equal the backup's manifest. Exits non-zero on
# any difference, naming the table.
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

status=0
while IFS=$'\t' read -r table count sum; do
  now_count=$(mariadb "${client[@]}" -N -B "$target" -e "SELECT COUNT(*) FROM \`$table\`")
  now_sum=$(mariadb "${client[@]}" -N -B "$target" -e "CHECKSUM TABLE \`$table\`" | awk '{print $2}')
  if [ "$now_count" != "$count" ] || [ "$now_sum" != "$sum" ]; then
    echo "MISMATCH $table: rows $now_count (backup $count), checksum $now_sum (backup $sum)" >&2
    status=1
  fi
done < "$base.manifest"
[ $status -eq 0 ] && echo "restored $target: every table matches the backup's manifest"
exit $status
