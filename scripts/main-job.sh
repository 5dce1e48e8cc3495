#!/usr/bin/env bash
# The main job: install what is missing, build, and run every policy in sched/ plus the
# default (fair) scheduler on the demo stress-ng job (workloads/jobs/default.job) in the
# simulator, printing a summary of each and where its result.json is. (The VM target and
# `scxlab compare` join it later.) JOB, TOPOLOGY, DURATION and OUT can be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
JOB="${JOB:-workloads/jobs/default.job}"
TOPOLOGY="${TOPOLOGY:-8cpu-2llc}"
OUT="${OUT:-results/main}"

bash scripts/deps.sh
make -j"$(nproc)"

run() {
  local name="$1"; shift
  echo "== $name =="
  build/scxlab run "$@" --job "$JOB" --topology "$TOPOLOGY" --duration "$DURATION" --out "$OUT/$name"
  echo
}

run fair
for src in sched/*.bpf.c; do
  name="$(basename "$src" .bpf.c)"
  [ "$name" = scxl_faulty ] && continue   # the fault-injection policy is for `scxlab fault`
  run "$name" --policy "$src"
done
echo "results in $OUT/"
