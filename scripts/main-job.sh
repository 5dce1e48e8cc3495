#!/usr/bin/env bash
# The main job: install what is missing, build (simulator, CLI, loader, probes, policies),
# fetch the sched_ext kernel, then compare every policy in sched/ (but the fault-injection
# one) and the default scheduler on the demo stress-ng job, in the simulator and in a QEMU
# guest booting Debian's sched_ext kernel, and print the table and where the plots are.
# When the VM cannot run here, `scxlab compare` says why and does the simulator part.
#
# Overridable: JOB, TOPOLOGY (default 2: the guest gets this machine's two cores), TARGETS,
# REPS (simulator seeds), REAL_REPS (VM repetitions), OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

JOB="${JOB:-workloads/jobs/default.job}"
TOPOLOGY="${TOPOLOGY:-2}"
TARGETS="${TARGETS:-sim,vm}"
REPS="${REPS:-3}"
REAL_REPS="${REAL_REPS:-2}"
OUT="${OUT:-results/main}"

bash scripts/deps.sh
make -j"$(nproc)"
if ! bash scripts/fetch-kernel.sh >/dev/null; then
  echo "main job: could not fetch the sched_ext kernel; the VM part will be skipped" >&2
fi
make -j"$(nproc)" bpf || echo "main job: the kernel objects did not build; the VM part will be skipped" >&2

build/scxlab compare --jobs "$JOB" --topology "$TOPOLOGY" --targets "$TARGETS" \
  --reps "$REPS" --real-reps "$REAL_REPS" --out "$OUT"
