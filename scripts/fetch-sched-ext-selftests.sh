#!/usr/bin/env bash
# Fetch the kernel's sched_ext selftests (tools/testing/selftests/sched_ext) from Debian's
# linux-source package, for `scxlab selftests` and its criterion suite, which build each test's
# BPF object unmodified. linux-source-7.3 (trixie-backports) is preferred; the 7.2 package is
# the fallback when the archive has no 7.3. Nothing of them is committed to this repository.
#
# Output: $CACHE/sched_ext-selftests/<kernel version>/ holding the selftest sources, with the
# kernel's tools/sched_ext/include as include/ (what their kernel build includes) and the
# kernel's tools/lib/bpf headers as libbpf/bpf/ (their build compiles against that libbpf, not
# the system's: Debian 12's libbpf 1.4 BPF_PROG refuses enable_cmask's __arena argument), with
# the system's generated bpf_helper_defs.h, which the kernel tree does not have; the last line
# printed is that directory. CACHE as in fetch-kernel.sh. Idempotent: a tree fetched before the
# libbpf headers were gets them added, the rest left as it is.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/private-apt.sh
. "$here/lib/private-apt.sh"

CACHE="${SCXLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxlab}"
OUT="$CACHE/sched_ext-selftests"
WANT=(7.3 7.2)
mkdir -p "$OUT"

have=""
for want in "${WANT[@]}"; do
  if [ -s "$OUT/$want/runner.c" ] && [ -s "$OUT/$want/package" ]; then
    if [ -s "$OUT/$want/libbpf/bpf/bpf_tracing.h" ]; then
      echo "$OUT/$want"
      exit 0
    fi
    have="$want"
    break
  fi
done
helper_defs=/usr/include/bpf/bpf_helper_defs.h
[ -s "$helper_defs" ] || {
  echo "fetch-sched-ext-selftests.sh: $helper_defs is missing (libbpf-dev; run scripts/deps.sh)" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-deb tar xz; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fetch-sched-ext-selftests.sh: $tool is missing (run scripts/deps.sh)" >&2; exit 1; }
done

private_apt_init "$OUT/apt"
pkg=""
[ -n "$have" ] && WANT=("$have") # the fetched tree's version, for its libbpf headers
for want in "${WANT[@]}"; do
  # 7.x in trixie-backports; sid only when it has none
  if found="$(private_apt_find "^linux-source-${want//./\\.}\$" trixie-backports sid)"; then
    pkg="${found#* }"
    private_apt_use "${found%% *}" # private_apt_find ran in a subshell: its suite's options again
    break
  fi
done
if [ -z "$pkg" ]; then
  echo "fetch-sched-ext-selftests.sh: no linux-source-${WANT[*]} in trixie-backports or sid of $private_apt_uri" >&2
  exit 1
fi
version="${pkg#linux-source-}"
work="$(mktemp -d "$OUT/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fetch-sched-ext-selftests.sh: downloading $pkg" >&2
private_apt_download "$pkg" "$work"
dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" --wildcards '*.tar.xz'
tarball="$(find "$work" -name 'linux-source-*.tar.xz' | head -n1)"
top="$(basename "$tarball" .tar.xz)"
tar -xJf "$tarball" -C "$work" --wildcards "$top/tools/testing/selftests/sched_ext" "$top/tools/sched_ext/include" \
  "$top/tools/lib/bpf/*.h"
mkdir -p "$work/libbpf/bpf"
cp "$work/$top"/tools/lib/bpf/*.h "$helper_defs" "$work/libbpf/bpf/"
if [ -n "$have" ] && [ "$(cat "$OUT/$version/package")" = "$pkg" ]; then
  # the tree is the package's: only the headers are new (mv: a reader sees all or none)
  mv "$work/libbpf" "$OUT/$version/libbpf"
  echo "$OUT/$version"
  exit 0
fi
rm -rf "${OUT:?}/$version"
mv "$work/$top/tools/testing/selftests/sched_ext" "$OUT/$version"
mv "$work/$top/tools/sched_ext/include" "$OUT/$version/include"
mv "$work/libbpf" "$OUT/$version/libbpf"
echo "$pkg" > "$OUT/$version/package"
echo "$OUT/$version"
