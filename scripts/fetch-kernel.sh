#!/usr/bin/env bash
# Fetch a Debian cloud kernel for the VM target, and the vmlinux.h that policies are compiled
# against for the kernel (clang -target bpf).
#
#   fetch-kernel.sh           the default kernel: the cache's current one, else the newest 7.x
#                             (it becomes current); prints $CACHE/kernel/vmlinux.h
#   fetch-kernel.sh SERIES    the newest SERIES.* kernel (6.12, 7.0, 7.2, 7.3, ...), kept beside
#                             the others; prints its directory $CACHE/kernel/SERIES
#   fetch-kernel.sh --list    what the archive has: one line per series, "SERIES PACKAGE SUITE"
#
# Kernels come from the suites that carry them: trixie-backports (the 6.19 and 7.x backports),
# trixie (6.12), and sid only when neither has the series (SCXLAB_KERNEL_SUITES overrides the
# order). The archive is the one this machine's apt already uses (SCXLAB_ARCHIVE_URI overrides
# it), read through a private apt configuration under the cache: the system's apt state is not
# touched and no root is needed. A Release file past its Valid-Until date is used with a
# warning; its signature and every package's SHA256 are still checked (private-apt.sh).
#
# Each kernel is a directory $CACHE/kernel/RELEASE/ holding vmlinuz, vmlinux.h (from the
# image's own BTF: the bzImage holds the compressed vmlinux as a zstd frame), config-RELEASE
# (the guest's /boot/config-RELEASE, which libbpf reads for `__kconfig` externs), and the
# files package, suite and sched_ext ("yes" when the kernel is built with
# CONFIG_SCHED_CLASS_EXT: Debian's 6.12 is not). $CACHE/kernel/SERIES links to it, and
# $CACHE/kernel/current to the default kernel. A series already in the cache is not fetched
# again (`scxlab cache prune` removes kernels). CACHE is $SCXLAB_CACHE, else
# $XDG_CACHE_HOME/scxlab, else ~/.cache/scxlab (as scxlab uses).
# SCXLAB_KERNEL_PKG picks the package of the default kernel.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/private-apt.sh
. "$here/lib/private-apt.sh"

CACHE="${SCXLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxlab}"
KDIR="$CACHE/kernel"
read -r -a SUITES <<< "${SCXLAB_KERNEL_SUITES:-trixie-backports trixie sid}"
mkdir -p "$KDIR"

die() { echo "fetch-kernel.sh: $*" >&2; exit 1; }

series="${1:-}"
case "$series" in
  ""|--list) ;;
  [0-9]*.[0-9]*) [[ "$series" =~ ^[0-9]+\.[0-9]+$ ]] || die "'$series': expected a series such as 7.3 or 6.12" ;;
  *) die "'$series': expected a series such as 7.3 or 6.12, or --list" ;;
esac

# a kernel directory is complete once its sched_ext file is written (the last step)
complete() { [ -s "$1/vmlinuz" ] && [ -s "$1/vmlinux.h" ] && [ -s "$1/sched_ext" ]; }
link() { ln -sfn "$1" "$KDIR/$2.tmp" && mv -T "$KDIR/$2.tmp" "$KDIR/$2"; }

# a kernel kept before the sched_ext record existed: write it from its config (or its BTF)
for d in "$KDIR"/*/; do
  [ -s "$d/vmlinuz" ] && [ -s "$d/vmlinux.h" ] && [ ! -s "$d/sched_ext" ] || continue
  if cfg="$(ls "$d"config-* 2>/dev/null | head -n1)" && [ -n "$cfg" ]; then
    grep -q '^CONFIG_SCHED_CLASS_EXT=y' "$cfg" && echo yes > "$d/sched_ext" || echo no > "$d/sched_ext"
  else
    grep -q "struct sched_ext_ops {" "$d/vmlinux.h" && echo yes > "$d/sched_ext" || echo no > "$d/sched_ext"
  fi
done

# the default kernel, done: the header, and the kernel's config beside it
if [ -z "$series" ] && [ -s "$KDIR/vmlinux.h" ] && grep -q "struct sched_ext_ops {" "$KDIR/vmlinux.h" &&
   ls "$KDIR"/current/config-* >/dev/null 2>&1; then
  echo "$KDIR/vmlinux.h"
  exit 0
fi
# a series already cached (any release of it, e.g. one fetched from sid before)
if [ -n "$series" ] && [ "$series" != --list ]; then
  if complete "$KDIR/$series"; then
    echo "$KDIR/$series"
    exit 0
  fi
  have="$(cd "$KDIR" && for d in "$series".*; do if complete "$d"; then echo "$d"; fi; done | sort -V | tail -n1)"
  if [ -n "$have" ]; then
    link "$have" "$series"
    echo "$KDIR/$series"
    exit 0
  fi
fi

for tool in apt-get apt-cache dpkg-deb zstd bpftool flock; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (run scripts/deps.sh)"
done
exec 9> "$KDIR/.lock"
flock 9
private_apt_init "$KDIR/apt"

# the newest kernel of series $1 (an ERE) in suite $2: the image-only linux-binary package of
# the 7.x builds, else the linux-image package that holds the image (6.12)
newest_in() {
  local p
  for kind in binary image; do
    p="$(private_apt_newest "^linux-$kind-$1\.[0-9]+\+deb[0-9]+-cloud-amd64$" || true)"
    if [ -n "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

if [ "$series" = --list ]; then
  for suite in "${SUITES[@]}"; do
    private_apt_suite "$suite" || continue
    apt-cache "${private_apt_opts[@]}" pkgnames 2>/dev/null |
      sed -nE 's/^linux-(binary|image)-([0-9]+\.[0-9]+)\.[0-9]+\+deb[0-9]+-cloud-amd64$/\2/p' | sort -uV |
      while read -r s; do
        p="$(newest_in "${s//./\\.}")" && echo "$s $p $suite"
      done
  done | sort -s -V -k1,1 | awk '!seen[$1]++'
  exit 0
fi

pattern="${series//./\\.}"
[ -n "$pattern" ] || pattern='7\.[0-9]+'
pkg="${SCXLAB_KERNEL_PKG:-}"
suite=""
if [ -z "$pkg" ]; then
  unread=()
  for s in "${SUITES[@]}"; do
    if ! private_apt_suite "$s"; then unread+=("$s"); continue; fi
    if [ -z "$series" ]; then
      # the newest 7.x: compare across 7.N series by package name
      pkg="$(private_apt_newest "^linux-binary-7\.[0-9]+\.[0-9]+\+deb[0-9]+-cloud-amd64$" || true)"
    else
      pkg="$(newest_in "$pattern" || true)"
    fi
    if [ -n "$pkg" ]; then suite="$s"; break; fi
  done
  if [ -z "$pkg" ]; then
    what="${series:-7.x} cloud kernel (linux-binary-${series:-7.*}.*-cloud-amd64)"
    if [ ${#unread[@]} -gt 0 ]; then
      die "no $what: could not read ${unread[*]} of $private_apt_uri (reasons above); check that this machine reaches the archive (or set SCXLAB_ARCHIVE_URI to a mirror), or pass --kernel IMAGE"
    fi
    die "no $what in ${SUITES[*]} of $private_apt_uri; \`fetch-kernel.sh --list\` shows the series there"
  fi
else
  for s in "${SUITES[@]}"; do
    private_apt_suite "$s" && apt-cache "${private_apt_opts[@]}" show "$pkg" >/dev/null 2>&1 && { suite="$s"; break; }
  done
  [ -n "$suite" ] || die "SCXLAB_KERNEL_PKG=$pkg is in none of ${SUITES[*]} of $private_apt_uri"
fi
version="$(echo "$pkg" | sed -E 's/^linux-(binary|image)-//')"
out="$KDIR/$version"
work="$(mktemp -d "$KDIR/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! complete "$out"; then
  echo "fetch-kernel.sh: downloading $pkg ($suite, $(apt-cache "${private_apt_opts[@]}" show "$pkg" 2>/dev/null | awk '/^Size:/{printf "%.1f MB", $2/1e6; exit}'))" >&2
  private_apt_download "$pkg" "$work" || die "downloading $pkg from $suite of $private_apt_uri failed (see above)"
  mkdir -p "$work/root"
  # only the image and its config (a linux-image package also holds every module)
  dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work/root" --wildcards '*vmlinuz*' '*config-*' 2>/dev/null || true
  vmlinuz="$(find "$work/root" -name 'vmlinuz*' -type f | head -n1)"
  [ -n "$vmlinuz" ] || die "$pkg holds no vmlinuz"

  # the compressed kernel is one of the zstd frames in the image: the one that yields an ELF
  found=""
  for off in $(grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" | cut -d: -f1); do
    tail -c +"$((off + 1))" "$vmlinuz" | zstd -dcq 2>/dev/null > "$work/vmlinux" || true
    if [ "$(head -c4 "$work/vmlinux" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then
      found=1
      break
    fi
  done
  [ -n "$found" ] || die "no zstd-compressed ELF found in $vmlinuz"
  bpftool btf dump file "$work/vmlinux" format c > "$work/vmlinux.h"
  # Debian 7.x ships the config in linux-base-VERSION (lib/modules/VERSION/config), 6.12 in
  # the image's /boot/config-VERSION
  config="$(find "$work/root" \( -path '*/boot/config-*' -o -path "*/modules/$version/config" \) -type f | head -n1)"
  if [ -z "$config" ] && mkdir -p "$work/base" && private_apt_download "linux-base-$version" "$work/base" 2>/dev/null; then
    dpkg-deb -x "$work"/base/*.deb "$work/root"
    config="$(find "$work/root" \( -path '*/boot/config-*' -o -path "*/modules/$version/config" \) -type f | head -n1)"
  fi
  if [ -n "$config" ]; then
    grep -q '^CONFIG_SCHED_CLASS_EXT=y' "$config" && sched_ext=yes || sched_ext=no
  else
    echo "fetch-kernel.sh: warning: no kernel config for $pkg: schedulers with __kconfig externs will not load in the guest" >&2
    grep -q "struct sched_ext_ops {" "$work/vmlinux.h" && sched_ext=yes || sched_ext=no
  fi
  mkdir -p "$out"
  mv "$work/vmlinux.h" "$out/vmlinux.h"
  cp "$vmlinuz" "$out/vmlinuz"
  [ -z "$config" ] || cp "$config" "$out/config-$version"
  echo "$pkg" > "$out/package"
  echo "$suite" > "$out/suite"
  echo "$sched_ext" > "$out/sched_ext"
  [ "$sched_ext" = yes ] || echo "fetch-kernel.sh: note: $version is built without sched_ext (CONFIG_SCHED_CLASS_EXT): it boots, but no policy loads there" >&2
fi
rm -f "$KDIR"/apt/cache/archives/*.deb
link "$version" "$(echo "$version" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')"
if [ -z "$series" ]; then
  [ "$(cat "$out/sched_ext")" = yes ] || die "$pkg is built without sched_ext: it cannot be the default kernel"
  link "$version/vmlinux.h" vmlinux.h
  link "$version" current
  echo "$KDIR/vmlinux.h"
else
  echo "$KDIR/$series"
fi
