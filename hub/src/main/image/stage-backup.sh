#!/usr/bin/env bash
# Stages the backup job's image (the chart's backup CronJob): bash, coreutils, awk, gzip, the MariaDB client and the
# aws CLI from Debian's packages with everything they depend on, the user 10001, and the hub's scripts under
# /opt/channelhub/scripts. No JRE, no hub.
#
#   stage-backup.sh <runnable layout dir> <output dir>
#
# The packages and their dependencies are resolved and fetched by this machine's apt (Debian bookworm), which checks
# them against its signed indexes.
set -euo pipefail
. "$(dirname "$0")/rootfs-lib.sh"

layout=$(cd "$1" && pwd)
out=$(fresh_stage "$2")

wanted=(bash dash coreutils mawk gzip sed grep findutils mariadb-client awscli ca-certificates)
if ! apt-cache show mariadb-client >/dev/null 2>&1; then
  apt-get update >/dev/null
fi
# Every package the wanted ones need, recursively (alternatives included: apt lists each provider).
mapfile -t packages < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${wanted[@]}" | grep '^[a-z0-9]' | sort -u)
(cd "$out/debs" && apt-get download "${packages[@]}" >/dev/null 2>&1)
for deb in "$out"/debs/*.deb; do
  dpkg-deb -x "$deb" "$out/rootfs"
done
rm -rf "$out/rootfs/usr/share/doc" "$out/rootfs/usr/share/man" "$out/rootfs/usr/share/info" \
  "$out/rootfs/usr/share/lintian" "$out/rootfs/usr/share/locale"
# What maintainer scripts would have made: /bin/sh (gzip's gunzip is a shell script), the awk alternative, the CA
# bundle the aws CLI verifies TLS with.
[ -e "$out/rootfs/bin/sh" ] || ln -s dash "$out/rootfs/bin/sh"
ln -sf mawk "$out/rootfs/usr/bin/awk"
if [ -d "$out/rootfs/usr/share/ca-certificates" ]; then
  mkdir -p "$out/rootfs/etc/ssl/certs"
  find "$out/rootfs/usr/share/ca-certificates" -name '*.crt' -exec cat {} + > "$out/rootfs/etc/ssl/certs/ca-certificates.crt"
fi
add_user "$out/rootfs"
mkdir -p "$out/rootfs/opt/channelhub/scripts" "$out/rootfs/var/lib/channelhub/backups"
cp "$layout"/scripts/*.sh "$out/rootfs/opt/channelhub/scripts/"
flatten_links "$out/rootfs"
echo "$out/rootfs"
