#!/usr/bin/env bash
# What the image stages share (sourced by stage.sh and stage-backup.sh).

# An empty stage directory with rootfs/ and debs/; prints its absolute path.
fresh_stage() { # dir
  rm -rf "$1"
  mkdir -p "$1/rootfs" "$1/debs"
  (cd "$1" && pwd)
}

# Debian packages and everything they depend on, resolved and fetched by this machine's apt (bookworm), which checks
# them against its signed indexes, unpacked into root. Maintainer scripts do not run: /bin/sh, which dash's would
# make, is made here; the callers make the rest.
install_packages() { # root debs-dir package...
  local root=$1 debs=$2 all deb
  shift 2
  if ! apt-cache show "$1" >/dev/null 2>&1; then
    apt-get update >/dev/null
  fi
  # Recursively (alternatives included: apt lists each provider).
  mapfile -t all < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" | grep '^[a-z0-9]' | sort -u)
  (cd "$debs" && apt-get download "${all[@]}" >/dev/null)
  for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$root"
  done
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/lintian" \
    "$root/usr/share/locale"
  if [ -e "$root/bin/dash" ] && [ ! -e "$root/bin/sh" ]; then
    ln -s dash "$root/bin/sh"
  fi
}

# The user 10001 (no shell, no home it can write) and the mount points a runtime provides: /tmp, the usage spool,
# /proc, /dev.
add_user() { # root
  local root=$1
  mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/channelhub/usage-spool" "$root/proc" "$root/dev"
  printf 'root:x:0:0:root:/:/nonexistent\nchannelhub:x:10001:10001:ChannelHub:/opt/channelhub:/nonexistent\n' \
    > "$root/etc/passwd"
  printf 'root:x:0:\nchannelhub:x:10001:\n' > "$root/etc/group"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
}

# Debian's usrmerge layout (/lib and /lib64 links into /usr), jlink's legal notices and packages' own links
# (python3, alternatives) are symbolic links; each is replaced by what it points to, so that the image is plain
# files and directories. A link whose target is not in the tree is dropped.
flatten_links() { # root
  local root=$1 link target resolved
  while IFS= read -r link; do
    [ -L "$link" ] || continue
    target=$(readlink "$link")
    case "$target" in
      /*) resolved="$root$target" ;;
      *) resolved="$(dirname "$link")/$target" ;;
    esac
    rm "$link"
    if [ -e "$resolved" ]; then
      cp -rL "$resolved" "$link"
    fi
  done < <(find "$root" -type l)
}
