#!/usr/bin/env bash
# Build a guest initramfs for the VM target: busybox as the userland, an /init script, and the
# given files (scxlab, its loader, policy objects, stress-ng, job files ...) with every shared
# library `ldd` lists, copied at the same paths, so the guest runs them as the host does.
#
#   scripts/vm/initramfs.sh OUT.cpio.gz INIT_SCRIPT DEST=SRC [DEST=SRC ...]
#
# DEST is the path inside the guest. Executables keep their rpath, so libscxsim.so goes next to
# scxlab.
set -euo pipefail
out="$1"; init="$2"; shift 2
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,scx}
cp "$(command -v busybox)" "$root/bin/busybox"
for c in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$c" ] || ln -s busybox "$root/bin/$c"
done
install -m 0755 "$init" "$root/init"

copy_libs() {
  { ldd "$1" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | sort -u | while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
for spec in "$@"; do
  dest="${spec%%=*}"; src="${spec#*=}"
  mkdir -p "$root$(dirname "$dest")"
  cp -L "$src" "$root$dest"
  # programs and shared libraries bring their libraries (not BPF objects, which are ELF too)
  case "$(file -L "$src" 2>/dev/null)" in
    *ELF*executable*|*ELF*shared\ object*) copy_libs "$src" ;;
  esac
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
