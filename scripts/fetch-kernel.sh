#!/usr/bin/env bash
# Fetch Debian's sched_ext-enabled 7.x cloud kernel and generate the vmlinux.h that policies
# are compiled against for the kernel (clang -target bpf).
#
# The kernel comes from Debian's archive (the URI this machine's apt already uses) through a
# private apt configuration under the cache, so the system's apt state is not touched and no
# root is needed. apt checks the download against the SHA256 in the archive's signed index
# (debian-archive-keyring), so a corrupted or tampered package is refused. The BTF is taken from the image itself: the bzImage holds the compressed
# vmlinux as a zstd frame; decompressed, `bpftool btf dump` turns its BTF into C.
#
# Output (printed as the last line): $CACHE/kernel/vmlinux.h, a link into
# $CACHE/kernel/<version>/ which also keeps the bootable vmlinuz for the VM target.
# CACHE is $SCXLAB_CACHE, else $XDG_CACHE_HOME/scxlab, else ~/.cache/scxlab (as scxlab uses).
# SCXLAB_KERNEL_PKG picks a package instead of the newest linux-binary-7.*-cloud-amd64.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/private-apt.sh
. "$here/lib/private-apt.sh"

CACHE="${SCXLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxlab}"
KDIR="$CACHE/kernel"
mkdir -p "$KDIR"

# done: the header, and the kernel's config beside it (the guest gets it as /boot/config-*)
if [ -s "$KDIR/vmlinux.h" ] && grep -q "struct sched_ext_ops {" "$KDIR/vmlinux.h" &&
   ls "$KDIR"/current/config-* >/dev/null 2>&1; then
  echo "$KDIR/vmlinux.h"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb zstd bpftool; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fetch-kernel.sh: $tool is missing (run scripts/deps.sh)" >&2; exit 1; }
done

private_apt_init "$KDIR/apt"

pkg="${SCXLAB_KERNEL_PKG:-}"
if [ -z "$pkg" ]; then
  pkg="$(private_apt_newest '^linux-binary-7\.[0-9.]+.*-cloud-amd64$' || true)"
fi
if [ -z "$pkg" ]; then
  echo "fetch-kernel.sh: no linux-binary-7.*-cloud-amd64 package in the archive" >&2
  exit 1
fi
version="${pkg#linux-binary-}"
out="$KDIR/$version"
mkdir -p "$out"
work="$(mktemp -d "$KDIR/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-kernel.sh: downloading $pkg" >&2
private_apt_download "$pkg" "$work"
dpkg-deb -x "$work"/*.deb "$work/root"
vmlinuz="$(find "$work/root" -name 'vmlinuz*' -type f | head -n1)"
if [ -z "$vmlinuz" ]; then
  echo "fetch-kernel.sh: $pkg holds no vmlinuz" >&2
  exit 1
fi

# the compressed kernel is one of the zstd frames in the image: the one that yields an ELF
found=""
for off in $(grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" | cut -d: -f1); do
  tail -c +"$((off + 1))" "$vmlinuz" | zstd -dcq 2>/dev/null > "$work/vmlinux" || true
  if [ "$(head -c4 "$work/vmlinux" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then
    found=1
    break
  fi
done
if [ -z "$found" ]; then
  echo "fetch-kernel.sh: no zstd-compressed ELF found in $vmlinuz" >&2
  exit 1
fi
bpftool btf dump file "$work/vmlinux" format c > "$work/vmlinux.h"
if ! grep -q "struct sched_ext_ops {" "$work/vmlinux.h"; then
  echo "fetch-kernel.sh: $pkg's BTF has no struct sched_ext_ops (not a sched_ext kernel?)" >&2
  exit 1
fi
mv "$work/vmlinux.h" "$out/vmlinux.h"
cp "$vmlinuz" "$out/vmlinuz"
# the kernel's build configuration, which libbpf reads (/boot/config-$(uname -r)) to resolve
# `extern ... __kconfig` in every current scx scheduler; the VM target puts it in the guest.
# Debian 7.x ships it in linux-base-VERSION (lib/modules/VERSION/config), older packages in
# the image's /boot/config-VERSION.
config="$(find "$work/root" \( -path '*/boot/config-*' -o -path "*/modules/$version/config" \) -type f | head -n1)"
if [ -z "$config" ] && mkdir -p "$work/base" && private_apt_download "linux-base-$version" "$work/base" 2>/dev/null; then
  dpkg-deb -x "$work"/base/*.deb "$work/root"
  config="$(find "$work/root" \( -path '*/boot/config-*' -o -path "*/modules/$version/config" \) -type f | head -n1)"
fi
if [ -n "$config" ]; then
  cp "$config" "$out/config-$version"
else
  echo "fetch-kernel.sh: warning: no kernel config for $pkg: schedulers with __kconfig externs will not load in the guest" >&2
fi
echo "$pkg" > "$out/package"
ln -sfn "$version/vmlinux.h" "$KDIR/vmlinux.h.tmp" && mv -T "$KDIR/vmlinux.h.tmp" "$KDIR/vmlinux.h"
ln -sfn "$version" "$KDIR/current.tmp" && mv -T "$KDIR/current.tmp" "$KDIR/current"
echo "$KDIR/vmlinux.h"
