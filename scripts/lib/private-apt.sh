# Sourced by the fetch scripts: an apt configuration of our own under a cache directory
# (sources, lists and downloads), pointing at the Debian archive this machine already uses,
# with the sid and trixie suites (or the suites given), so newer kernel packages can be
# downloaded without touching the system's apt state or needing root.
#
#   private_apt_init DIR [SUITE...]  set up DIR and read the package lists of the SUITEs
#                                    (default: sid trixie); fills private_apt_opts
#   private_apt_newest PATTERN  the newest package name matching the extended regex PATTERN
#   private_apt_download PKG DEST  download PKG's .deb into directory DEST
# shellcheck source=scripts/lib/apt-archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-archive.sh"

private_apt_opts=()

private_apt_init() {
  local dir="$1" uri suite
  shift
  [ $# -gt 0 ] || set -- sid trixie
  uri="$(debian_archive_uri)"
  if [ -z "$uri" ]; then
    echo "no Debian archive URI in this machine's apt configuration" >&2
    return 1
  fi
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  for suite in "$@"; do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
  done > "$dir/sources.list"
  private_apt_opts=(
    -o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
    -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
  )
  echo "reading the package lists of $uri ($*)" >&2
  apt-get "${private_apt_opts[@]}" -qq update
}

private_apt_newest() {
  apt-cache "${private_apt_opts[@]}" pkgnames 2>/dev/null | grep -E "$1" | sort -V | tail -n1
}

private_apt_download() {
  (cd "$2" && apt-get "${private_apt_opts[@]}" -qq download "$1")
}
