# Sourced by the fetch scripts: an apt configuration of our own under a cache directory
# (sources, lists and downloads), pointing at the Debian archive this machine already uses,
# one suite at a time, so kernel packages of other suites can be downloaded without touching
# the system's apt state or needing root.
#
#   private_apt_init DIR          set up DIR (fills private_apt_opts, private_apt_uri)
#   private_apt_suite SUITE       read SUITE's package list; 1 with the reason on stderr if not
#   private_apt_use SUITE         the options for a suite already read
#   private_apt_find PATTERN SUITE...  "SUITE PKG": the first suite that has PATTERN
#   private_apt_newest PATTERN    the newest package name of that suite matching the ERE PATTERN
#   private_apt_download PKG DEST download PKG's .deb into directory DEST
#
# These lists are private and read-only: a Release file past its Valid-Until date (an old
# mirror snapshot) is used with a one-line warning instead of failing (the date is checked
# whatever the machine's apt configuration says, so the warning is given). Its signature is still
# checked against the keyring, and every .deb against the signed index's SHA256.
# SCXLAB_ARCHIVE_URI and SCXLAB_ARCHIVE_KEYRING override the archive and its keyring.
# shellcheck source=scripts/lib/apt-archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-archive.sh"

private_apt_opts=()
private_apt_dir=""
private_apt_uri=""

private_apt_init() {
  private_apt_dir="$1"
  private_apt_uri="${SCXLAB_ARCHIVE_URI:-$(debian_archive_uri)}"
  if [ -z "$private_apt_uri" ]; then
    echo "no Debian archive URI in this machine's apt configuration (set SCXLAB_ARCHIVE_URI)" >&2
    return 1
  fi
  mkdir -p "$private_apt_dir/lists/partial" "$private_apt_dir/cache/archives/partial"
}

# the options for one suite's source list (lists and downloads are shared by all suites)
private_apt_use() {
  private_apt_opts=(
    -o "Dir::Etc::sourcelist=$private_apt_dir/sources.$1.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$private_apt_dir/lists" -o "Dir::Cache=$private_apt_dir/cache"
    -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
    -o "Acquire::Check-Valid-Until=true" -o "Acquire::Check-Date=true"
  )
}

private_apt_suite() {
  local suite="$1" keyring="${SCXLAB_ARCHIVE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}" log why
  echo "deb [signed-by=$keyring] $private_apt_uri $suite main" > "$private_apt_dir/sources.$suite.list"
  private_apt_use "$suite"
  log="$private_apt_dir/update.$suite.log"
  echo "reading the package list of $suite ($private_apt_uri)" >&2
  if apt-get "${private_apt_opts[@]}" -q update > "$log" 2>&1 && ! grep -q '^[EW]: ' "$log"; then
    return 0
  fi
  if grep -q 'is expired' "$log"; then
    echo "warning: the archive's Release file for $suite is expired ($(grep -o 'invalid since [^)]*' "$log" | head -n1)); using it anyway (its signature is still checked)" >&2
    private_apt_opts+=(-o "Acquire::Check-Valid-Until=false" -o "Acquire::Check-Date=false")
    apt-get "${private_apt_opts[@]}" -q update > "$log" 2>&1 && ! grep -q '^[EW]: ' "$log" && return 0
  fi
  # the error apt gives (E:, else W:, else the line under Err:)
  why="$(grep -m1 '^E: ' "$log" || grep -m1 '^W: ' "$log" || grep -m1 -A1 '^Err' "$log" | tail -n1 || true)"
  echo "cannot read suite $suite of $private_apt_uri: $(echo "${why:-apt-get update failed}" | sed 's/^ *//' | cut -c1-300)" >&2
  return 1
}

private_apt_newest() {
  apt-cache "${private_apt_opts[@]}" pkgnames 2>/dev/null | grep -E "$1" | sort -V | tail -n1
}

private_apt_download() {
  (cd "$2" && apt-get "${private_apt_opts[@]}" -qq download "$1")
}

# The newest package matching PATTERN in the first of SUITES that has one: prints "SUITE PKG".
# 1 if none has it; the suites that could not be read are named on stderr. Called as
# $(private_apt_find ...), it sets nothing here: `private_apt_use SUITE` before downloading.
private_apt_find() {
  local pattern="$1" suite pkg
  shift
  for suite in "$@"; do
    private_apt_suite "$suite" || continue
    pkg="$(private_apt_newest "$pattern" || true)"
    if [ -n "$pkg" ]; then
      echo "$suite $pkg"
      return 0
    fi
  done
  return 1
}
