# Sourced by the set-up scripts: the URI of the Debian archive this machine's apt already uses
# (deb822 .sources files or one-line sources.list entries), so no mirror host name is ever
# written into the project. Prints nothing if none is configured.
debian_archive_uri() {
  local f
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      # a stanza serving a Debian release suite (not -security, not a third-party repo)
      awk 'BEGIN{RS=""}
           /Suites:[^\n]*(bookworm|trixie|forky|sid|stable|testing|unstable)/ && !/security/ && /debian-archive-keyring|URIs:[^\n]*\/debian\/?([ \n]|$)/ {
             if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); print s }
           }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk '$1=="deb" { i=2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                       if ($(i+1) ~ /^(bookworm|trixie|forky|sid|stable|testing|unstable)$/ && $i ~ /\/debian\/?$/) print $i }' "$f"
    done
  } | head -n1
}
