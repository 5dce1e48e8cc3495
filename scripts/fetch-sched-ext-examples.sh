#!/usr/bin/env bash
# Fetch the kernel's own sched_ext example schedulers (tools/sched_ext) from Debian's
# linux-source-6.12 and linux-source-7.2 packages (the versions tests/unit/test_kernel_examples.c
# is written for), for the external test suite that runs them unmodified in the simulator. Nothing of them is committed to this repository.
#
# Output: $CACHE/sched_ext-examples/<kernel version>/ holding the example sources and their
# include/ directory; the last line printed is $CACHE/sched_ext-examples. CACHE as in
# fetch-kernel.sh. Idempotent.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/private-apt.sh
. "$here/lib/private-apt.sh"

CACHE="${SCXLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxlab}"
OUT="$CACHE/sched_ext-examples"
mkdir -p "$OUT"

for tool in apt-get apt-cache dpkg-deb tar xz; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fetch-sched-ext-examples.sh: $tool is missing (run scripts/deps.sh)" >&2; exit 1; }
done

inited=""
for want in 6.12 7.2; do
  # shellcheck disable=SC2086
  have="$(cd "$OUT" && ls -d $want 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$have" ] && [ -s "$OUT/$have/scx_simple.bpf.c" ]; then
    continue
  fi
  if [ -z "$inited" ]; then
    private_apt_init "$OUT/apt"
    inited=1
  fi
  case "$want" in
    6.12) pattern='^linux-source-6\.12$' ;;
    *) pattern="^linux-source-${want//./\\.}$" ;;
  esac
  # 7.x in trixie-backports, 6.12 in trixie; sid only when neither has it
  if ! found="$(private_apt_find "$pattern" trixie-backports trixie sid)"; then
    echo "fetch-sched-ext-examples.sh: no package matching $pattern in trixie-backports, trixie or sid of $private_apt_uri" >&2
    exit 1
  fi
  pkg="${found#* }"
  private_apt_use "${found%% *}" # private_apt_find ran in a subshell: its suite's options again
  version="${pkg#linux-source-}"
  work="$(mktemp -d "$OUT/work.XXXXXX")"
  echo "fetch-sched-ext-examples.sh: downloading $pkg" >&2
  private_apt_download "$pkg" "$work"
  dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" --wildcards '*.tar.xz'
  tarball="$(find "$work" -name 'linux-source-*.tar.xz' | head -n1)"
  top="$(basename "$tarball" .tar.xz)"
  tar -xJf "$tarball" -C "$work" "$top/tools/sched_ext"
  rm -rf "${OUT:?}/$version"
  mv "$work/$top/tools/sched_ext" "$OUT/$version"
  echo "$pkg" > "$OUT/$version/package"
  rm -rf "$work"
done
echo "$OUT"
