#!/usr/bin/env bash
# Run one fuzz target for SECONDS (inputs of up to 8 KiB): its corpus under build-fuzz/corpus/TARGET (seeded from the
# files given after SECONDS), then tests/fuzz/regressions/TARGET (inputs that once failed).
# A crash, leak, UB report or timeout stops it and leaves the input as build-fuzz/crash-TARGET-*.
#   tests/fuzz/run.sh TARGET SECONDS [SEED_FILE...]
set -euo pipefail
target="$1"; seconds="$2"; shift 2
corpus="build-fuzz/corpus/$target"
regressions="tests/fuzz/regressions/$target"
mkdir -p "$corpus" "$regressions"
for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$corpus/" || true; done
exec "build-fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="build-fuzz/crash-$target-" "$corpus" "$regressions"
