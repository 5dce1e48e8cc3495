#!/usr/bin/env bash
# Install every build, test and run dependency of scxlab from Debian packages.
#
# Debian 12 (bookworm) base, plus bookworm-backports for libbpf-dev >= 1.4 and bpftool.
# The archive URI is read from this machine's own apt configuration (so local mirrors are
# respected); no mirror host name is written here. Safe to run again: it only installs what
# is missing. Needs root (or sudo).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS=(
  build-essential pkg-config git make
  clang llvm libcriterion-dev libclang-rt-dev
  libelf-dev libdw-dev zlib1g-dev libzstd-dev zstd xz-utils
  stress-ng gnuplot-nox jq slurm-wlm munge python3-junitparser gpg
  qemu-system-x86 busybox-static cpio file dwarves binutils
  python3 linux-libc-dev  # scripts/check-layers.sh, scripts/gen-api.py (linux/bpf.h's helper list)
)
# clang-19: Debian 12's clang 14 emits BTF that `bpftool gen object` cannot link for
# multi-source schedulers ("failed to find BTF info for global/extern symbol")
BACKPORT_PKGS=(libbpf-dev bpftool clang-19 llvm-19)

# shellcheck source=scripts/lib/apt-archive.sh
. "$(dirname "$0")/lib/apt-archive.sh"

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
need_update=1
if [ "$codename" = "bookworm" ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uri="$(debian_archive_uri | head -n1)"
    if [ -z "$uri" ]; then
      echo "deps.sh: cannot find the Debian archive URI in the apt configuration" >&2
      exit 1
    fi
    echo "deps.sh: adding bookworm-backports from $uri"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" | $SUDO tee /etc/apt/sources.list.d/scxlab-backports.sources >/dev/null
  fi
fi

# a real headless browser for the report page's check (tests/unit/test_figures.c)
if apt-cache show chromium-headless-shell >/dev/null 2>&1; then PKGS+=(chromium-headless-shell)
elif ! command -v chromium >/dev/null 2>&1; then PKGS+=(chromium); fi

# node and npm for the trace test's real consumer (Chrome DevTools' trace engine, from npm)
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
bp_missing=0
libbpf_ver="$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || true)"
if [ -z "$libbpf_ver" ] || dpkg --compare-versions "$libbpf_ver" lt "1:1.4"; then bp_missing=1; fi
command -v bpftool >/dev/null 2>&1 || bp_missing=1
if [ "$codename" = "bookworm" ]; then command -v clang-19 >/dev/null 2>&1 || bp_missing=1; fi

if [ ${#missing[@]} -eq 0 ] && [ $bp_missing -eq 0 ]; then
  echo "deps.sh: all dependencies present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
[ $need_update -eq 1 ] && $SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $bp_missing -eq 1 ]; then
  if [ "$codename" = "bookworm" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports "${BACKPORT_PKGS[@]}"
  else
    $SUDO apt-get install -y -qq --no-install-recommends "${BACKPORT_PKGS[@]}"
  fi
fi
echo "deps.sh: done"
