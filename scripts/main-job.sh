#!/usr/bin/env bash
# The main job: install what is missing, build (simulator, CLI, loader, probes, policies),
# fetch the sched_ext kernel, then compare every policy in sched/ (but the fault-injection
# one) and the default scheduler on the demo stress-ng job, in the simulator and in a QEMU
# guest booting Debian's sched_ext kernel, and print the table and where the plots are.
# When the VM cannot run here, `scxlab compare` says why and does the simulator part, and
# the job's last line and $OUT/NOT-RUN.txt say what did not run.
#
# The simulator models the machine it is compared with: when the VM is a target, the guest is
# calibrated first (`scxlab calibrate --target vm`, about a minute, kept in $OUT/vm.cal and
# reused by later runs: delete it to measure again) and the simulator's runs use that file, so
# both columns describe the same (under TCG, emulated) machine.
#
# Overridable: JOB, TOPOLOGY (default 2: the guest gets this machine's two cores), TARGETS,
# REPS (simulator seeds), REAL_REPS (VM repetitions), OUT, CALIBRATION (a file for the
# simulator's runs; "reference" for the simulator's built-in host costs).
set -euo pipefail
cd "$(dirname "$0")/.."

JOB="${JOB:-workloads/jobs/default.job}"
TOPOLOGY="${TOPOLOGY:-2}"
TARGETS="${TARGETS:-sim,vm}"
REPS="${REPS:-3}"
REAL_REPS="${REAL_REPS:-2}"
OUT="${OUT:-results/main}"
CALIBRATION="${CALIBRATION:-}"

notes=()
bash scripts/deps.sh
make -j"$(nproc)"
if ! bash scripts/fetch-kernel.sh >/dev/null; then
  notes+=("the sched_ext kernel could not be fetched (scripts/fetch-kernel.sh)")
fi
if ! make -j"$(nproc)" bpf; then
  notes+=("the kernel objects did not build (make bpf)")
fi

# Exit status as `scxlab compare`'s (0 ok, 1 runs did not finish, 3 a policy failed); a
# target asked for that could not run is recorded in $OUT/summary.json (skipped_targets),
# in $OUT/NOT-RUN.txt, and said in the last line.
mkdir -p "$OUT"
if [ -z "$CALIBRATION" ] && [[ ",$TARGETS," == *,vm,* ]]; then
  if [ -s "$OUT/vm.cal" ] || build/scxlab calibrate --target vm --seconds 2 --out "$OUT/vm.cal.tmp"; then
    [ -s "$OUT/vm.cal" ] || mv "$OUT/vm.cal.tmp" "$OUT/vm.cal"
    CALIBRATION="$OUT/vm.cal"
  else
    rm -f "$OUT/vm.cal.tmp"
    notes+=("the guest could not be calibrated: the simulator ran with its built-in host costs")
  fi
fi
cal=()
if [ -n "$CALIBRATION" ] && [ "$CALIBRATION" != reference ]; then
  cal=(--calibration "$CALIBRATION")
  echo "main job: the simulator's runs use the calibration $CALIBRATION"
fi

rc=0
build/scxlab compare --jobs "$JOB" --topology "$TOPOLOGY" --targets "$TARGETS" "${cal[@]}" \
  --reps "$REPS" --real-reps "$REAL_REPS" --out "$OUT" --junit "$OUT/junit.xml" || rc=$?

skipped="$(jq -r '.skipped_targets[]?' "$OUT/summary.json" 2>/dev/null || true)"
rm -f "$OUT/NOT-RUN.txt"
if [ -n "$skipped" ] || [ ${#notes[@]} -gt 0 ]; then
  { printf '%s\n' "${notes[@]}"; printf '%s\n' "$skipped"; } | sed '/^$/d' > "$OUT/NOT-RUN.txt"
  echo "main job: NOT EVERYTHING RAN: $(paste -sd';' "$OUT/NOT-RUN.txt") (recorded in $OUT/NOT-RUN.txt)" >&2
fi
exit "$rc"
