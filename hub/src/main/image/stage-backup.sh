#!/usr/bin/env bash
# Stages the backup job's image (the chart's backup CronJob): bash, coreutils, awk, gzip, the MariaDB client and the
# aws CLI from Debian's packages with everything they depend on, the user 10001, and the hub's scripts under
# /opt/channelhub/scripts. No JRE, no hub.
#
#   stage-backup.sh <runnable layout dir> <output dir>
#
# The packages come through this machine's apt (rootfs-lib.sh).
set -euo pipefail
. "$(dirname "$0")/rootfs-lib.sh"

layout=$(cd "$1" && pwd)
out=$(fresh_stage "$2")

install_packages "$out/rootfs" "$out/debs" bash dash coreutils mawk gzip sed grep findutils mariadb-client awscli \
  ca-certificates
# What maintainer scripts would have made: the awk alternative, the CA bundle the aws CLI verifies TLS with.
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
