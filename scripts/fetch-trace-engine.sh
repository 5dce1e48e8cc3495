#!/usr/bin/env bash
# Fetch Chrome DevTools' trace engine (the npm package @paulirish/trace_engine, the parser
# DevTools' Performance panel uses) at a pinned version, for the test that reads scxlab's
# traces with a real consumer (tests/unit/test_trace.c, scripts/trace-check.mjs).
#
# Output (the last line printed): the directory holding node_modules/. CACHE as in
# fetch-kernel.sh. Idempotent; needs node and npm (scripts/deps.sh installs them).
set -euo pipefail
VERSION=0.0.65
CACHE="${SCXLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxlab}"
OUT="$CACHE/npm/trace_engine-$VERSION"

if [ -s "$OUT/node_modules/@paulirish/trace_engine/analyze-trace.mjs" ]; then
  echo "$OUT"
  exit 0
fi
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fetch-trace-engine.sh: $tool is missing (run scripts/deps.sh)" >&2; exit 1; }
done
mkdir -p "$OUT"
work="$(mktemp -d "$CACHE/npm/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fetch-trace-engine.sh: installing @paulirish/trace_engine@$VERSION from npm" >&2
if ! npm install --prefix "$work" --no-audit --no-fund --silent "@paulirish/trace_engine@$VERSION" >&2; then
  echo "fetch-trace-engine.sh: npm could not install @paulirish/trace_engine@$VERSION (is the npm registry reachable?)" >&2
  exit 1
fi
rm -rf "$OUT"
mv "$work" "$OUT"
trap - EXIT
echo "$OUT"
