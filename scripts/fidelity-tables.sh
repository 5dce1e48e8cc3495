#!/bin/sh
# Regenerate docs/fidelity.md's tables from `scxlab validate`: runs it with the given target
# and options into results/fidelity-TARGET, then puts its validate.md between the markers
# <!-- validate TARGET: begin --> and <!-- validate TARGET: end --> of docs/fidelity.md.
#   scripts/fidelity-tables.sh host [validate options...]   e.g. --real-from DIR --calibration FILE
#   scripts/fidelity-tables.sh vm [validate options...]     e.g. --jobs smoke-3s,pingpong --reps 3
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fidelity-tables.sh host|vm [scxlab validate options]}
shift
name=$(printf '%s' "$target" | tr -c 'A-Za-z0-9.\n' '-')
out="$root/results/fidelity-$name"
# The simulator's runs are redone every time: a kept run's key covers its command line and
# input files, not the scxlab build, so a rebuilt model would otherwise reuse the old figures.
# (They take seconds; the real runs, kept or from --real-from, are not touched.)
rm -rf "$out"/*-sim-[0-9]*
# exit 1 (a run or a policy failed) still writes the tables, which say so
rc=0
"$root/build/scxlab" validate --target "$target" --out "$out" "$@" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
doc="$root/docs/fidelity.md"
begin="<!-- validate $target: begin -->"
end="<!-- validate $target: end -->"
grep -qF "$begin" "$doc" || { echo "fidelity-tables.sh: $doc has no '$begin' marker" >&2; exit 2; }
tmp="$doc.tmp.$$"
trap 'rm -f "$tmp"' EXIT
when=$(date -u '+%Y-%m-%d %H:%M UTC')
awk -v b="$begin" -v e="$end" -v f="$out/validate.md" -v when="$when" '
	$0 == b { print; print "Made by `scxlab validate` (" when "):"; print "";
		  while ((getline l < f) > 0) print l; skip = 1; next }
	$0 == e { skip = 0 }
	!skip' "$doc" > "$tmp"
mv "$tmp" "$doc"
trap - EXIT
echo "docs/fidelity.md: the $target tables are from $out/validate.md"
exit "$rc"
