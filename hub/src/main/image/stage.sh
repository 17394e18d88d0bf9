#!/usr/bin/env bash
# Stages what the hub's image holds, for jib (hub/image/pom.xml) to turn into an OCI image without a Docker daemon
# or a registry: a minimal root file system from Debian's packages (glibc for a jlinked JRE; dash, coreutils and
# findutils for the chart's init containers and preStop), a
# JRE linked from the newest JDK 21+ installed beside the default one (production's runtime: virtual threads), the
# user 10001, and the runnable layout (target/channelhub) under /opt/channelhub.
#
#   stage.sh <runnable layout dir> <output dir>
#
# The packages come through this machine's apt (rootfs-lib.sh).
set -euo pipefail
. "$(dirname "$0")/rootfs-lib.sh"

layout=$(cd "$1" && pwd)
out=$(fresh_stage "$2")

# glibc for the JRE, and the C++ runtime that ONNX Runtime and the tokenizer of the local embedding model link to;
# sh, find, cp and sleep for what the Helm chart runs in this image besides the hub (the plugin
# copying init containers, the preStop pause).
install_packages "$out/rootfs" "$out/debs" libc6 libgcc-s1 libstdc++6 dash coreutils findutils

# The JRE: every module of the JDK but its tools for making runtimes (plugins may use any), without debug symbols,
# headers or man pages. A JDK without packaged modules links from its own run-time image (JEP 493), which cannot
# carry jdk.jlink.
java_home=${IMAGE_JDK:-}
if [ -z "$java_home" ]; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  best=0
  for d in "$(dirname "$home")"/*; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2>/dev/null || true)
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best" ] && [ -x "$d/bin/jlink" ]; then java_home=$d; best=$v; fi
  done
fi
[ -n "$java_home" ] || { echo "the image needs a JDK 21+ beside the default java (or IMAGE_JDK)" >&2; exit 1; }
mkdir -p "$out/rootfs/opt"
modules=$("$java_home/bin/java" --list-modules | sed 's/@.*//' | grep -v -x -e jdk.jlink -e jdk.jpackage | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$out/rootfs/opt/java"

add_user "$out/rootfs"
mkdir -p "$out/rootfs/opt/channelhub"
cp -r "$layout/." "$out/rootfs/opt/channelhub/"
cp "$(dirname "$0")/../../../../config.yml" "$out/rootfs/opt/channelhub/config.yml"
flatten_links "$out/rootfs"
echo "$out/rootfs"
