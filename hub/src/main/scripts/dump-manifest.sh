#!/usr/bin/env bash
# Reads a dump made with one row per INSERT (mariadb-dump --skip-extended-insert) on standard input and prints, for
# every table it creates, "table<TAB>rows<TAB>sha256 of its INSERT lines", sorted by table: what backup-mariadb.sh
# stores beside a dump and restore-mariadb.sh compares with a dump of what it restored. One pass, rows hashed as
# they stream by (no copy of the dump on disk).
set -euo pipefail

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v dir="$work" '
  function table(line,   t) { t = line; sub(/^[A-Z ]+`/, "", t); sub(/`.*/, "", t); return t }
  /^CREATE TABLE `/ { t = table($0); if (!(t in rows)) rows[t] = 0 }
  /^INSERT INTO `/ { t = table($0); rows[t]++; print | ("sha256sum > \"" dir "/" t "\"") }
  END {
    for (t in rows) {
      close("sha256sum > \"" dir "/" t "\"")
      print t "\t" rows[t] > (dir "/.tables")
    }
  }
'
empty=$(sha256sum < /dev/null | cut -d' ' -f1)
[ -f "$work/.tables" ] || exit 0
sort "$work/.tables" | while IFS=$'\t' read -r t n; do
  sum=$empty
  [ -f "$work/$t" ] && sum=$(cut -d' ' -f1 < "$work/$t")
  printf '%s\t%s\t%s\n' "$t" "$n" "$sum"
done
