#!/usr/bin/env bash
# Make a tiny signed Debian archive for the fetch tests: suite trixie-backports lists one cloud
# kernel package (its index only: nothing is downloaded from it), signed with a throwaway key,
# and its Release file's Valid-Until is in the past, as on an old mirror snapshot.
#
#   fake-archive.sh DIR [--unsigned-by-keyring]
#
# Writes DIR/archive (the URI is file://DIR/archive) and DIR/keyring.gpg. With
# --unsigned-by-keyring the keyring holds another key, so the signature check must fail.
set -euo pipefail
export LC_ALL=C
dir="$1"
other="${2:-}"
arch="$dir/archive"
suite="$arch/dists/trixie-backports"
mkdir -p "$suite/main/binary-amd64"
export GNUPGHOME="$dir/gnupg"
mkdir -p -m 700 "$GNUPGHOME"

cat > "$suite/main/binary-amd64/Packages" <<'PKG'
Package: linux-binary-7.3.4+deb13-cloud-amd64
Source: linux-signed-amd64 (7.3.4+1~bpo13+1)
Version: 7.3.4-1~bpo13+1
Architecture: amd64
Maintainer: scxlab tests <tests@invalid>
Installed-Size: 13652
Filename: pool/main/l/linux-signed-amd64/linux-binary-7.3.4+deb13-cloud-amd64_7.3.4-1~bpo13+1_amd64.deb
Size: 13604064
SHA256: 0000000000000000000000000000000000000000000000000000000000000000
Description: Linux 7.3 for cloud platforms (a test stanza)

Package: linux-binary-7.2.12+deb13-cloud-amd64
Version: 7.2.12-1~bpo13+1
Architecture: amd64
Maintainer: scxlab tests <tests@invalid>
Filename: pool/main/l/linux-signed-amd64/linux-binary-7.2.12+deb13-cloud-amd64_7.2.12-1~bpo13+1_amd64.deb
Size: 13389360
SHA256: 0000000000000000000000000000000000000000000000000000000000000000
Description: Linux 7.2 for cloud platforms (a test stanza)
PKG

packages="$suite/main/binary-amd64/Packages"
{
  echo "Origin: scxlab-test"
  echo "Suite: trixie-backports"
  echo "Codename: trixie-backports"
  echo "Date: $(date -u -d '2000-01-01' '+%a, %d %b %Y %H:%M:%S UTC')"
  echo "Valid-Until: $(date -u -d '2000-01-08' '+%a, %d %b %Y %H:%M:%S UTC')"
  echo "Architectures: amd64"
  echo "Components: main"
  echo "SHA256:"
  printf ' %s %s main/binary-amd64/Packages\n' "$(sha256sum < "$packages" | cut -d' ' -f1)" "$(stat -c %s "$packages")"
} > "$suite/Release"

key() { gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "$1" ed25519 sign never 2>/dev/null; }
key "scxlab test archive <archive@invalid>"
gpg --batch --quiet --yes --local-user archive@invalid --clearsign -o "$suite/InRelease" "$suite/Release"
if [ "$other" = --unsigned-by-keyring ]; then
  key "someone else <other@invalid>"
  gpg --batch --quiet --export other@invalid > "$dir/keyring.gpg"
else
  gpg --batch --quiet --export archive@invalid > "$dir/keyring.gpg"
fi
gpgconf --kill gpg-agent 2>/dev/null || true
