#!/usr/bin/env bash
# Stages what the hub's image holds, for jib (hub/image/pom.xml) to turn into an OCI image without a Docker daemon
# or a registry: a minimal root file system from Debian's packages (glibc and libgcc: all a jlinked JRE needs), a
# JRE linked from the newest JDK 21+ installed beside the default one (production's runtime: virtual threads), the
# user 10001, and the runnable layout (target/channelhub) under /opt/channelhub.
#
#   stage.sh <runnable layout dir> <output dir>
#
# Packages come from deb.debian.org (bookworm), checked against the SHA-256 in the suite's Packages index.
set -euo pipefail
. "$(dirname "$0")/rootfs-lib.sh"

layout=$(cd "$1" && pwd)
out=$(fresh_stage "$2")

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-bookworm}
packages=(libc6 libgcc-s1 gcc-12-base)

curl -fsS "$mirror/dists/$suite/main/binary-amd64/Packages.xz" | xz -dc > "$out/debs/Packages"
for p in "${packages[@]}"; do
  read -r file sum < <(awk -v p="$p" '
    $0 == "Package: " p { found = 1 }
    found && /^Filename: / { f = $2 }
    found && /^SHA256: / { s = $2 }
    found && /^$/ { print f, s; exit }' "$out/debs/Packages")
  [ -n "${file:-}" ] || { echo "no $p in $suite" >&2; exit 1; }
  curl -fsS -o "$out/debs/$p.deb" "$mirror/$file"
  echo "$sum  $out/debs/$p.deb" | sha256sum -c --quiet
  dpkg-deb -x "$out/debs/$p.deb" "$out/rootfs"
done
rm -rf "$out/rootfs/usr/share/doc" "$out/rootfs/usr/share/lintian" "$out/rootfs/usr/share/locale"

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
