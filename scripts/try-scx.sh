#!/usr/bin/env bash
# Try the scx project's schedulers in scxlab, unmodified: build each one both ways through
# `scxlab build` (with the include path and the sources its build.rs names), run it in the
# simulator with its shipped loader profile (workloads/loaders/NAME.loader) and without one,
# and (VM=1) on the real kernel in the QEMU guest, then print one table.
#
#   scripts/try-scx.sh SCX_CHECKOUT
#
# The scx schedulers are not packaged in Debian, so CI cannot fetch them: this script is run
# by hand on a checkout (github sched-ext/scx). Overridable: SCHEDS, TOPOLOGY (8cpu-2llc),
# JOB (workloads/jobs/default.job), DURATION (10s), OUT (results/try-scx), SIM (1; 0 skips the
# simulator runs), VM (0; 1 runs the guest too, with its profile and without: TCG-emulated
# without KVM, so slow), VM_SCHEDS (which ones go to the VM), VM_TOPOLOGY (2cpu: the guest's
# vCPUs), VM_TIMEOUT (each guest's time limit, default the job's time + 180 s: an emulated
# guest verifying a large scheduler may need more), KEEP_BUILDS (0; 1 reuses OUT/NAME's objects),
# CALIBRATION (a file for the simulator's runs, e.g. the guest's from `scxlab calibrate --target vm`,
# whose machine.scx_enable_* lines time the enable transition as the guest's: give it with the
# guest's TOPOLOGY, since it describes that machine; default none). A scheduler's profile is
# workloads/loaders/TOPOLOGY/NAME.loader (in the guest VM_TOPOLOGY's) when there is one (a topology
# the shipped 8cpu-2llc profile does not fit), else the shipped one.
set -uo pipefail
cd "$(dirname "$0")/.."

SCX="${1:?usage: scripts/try-scx.sh SCX_CHECKOUT}"
SCHEDS="${SCHEDS:-bpfland lavd layered rusty tickless cosmos}"
TOPOLOGY="${TOPOLOGY:-8cpu-2llc}"
JOB="${JOB:-workloads/jobs/default.job}"
DURATION="${DURATION:-10s}"
OUT="${OUT:-results/try-scx}"
VM="${VM:-0}"
SIM="${SIM:-1}"
VM_SCHEDS="${VM_SCHEDS:-$SCHEDS}"
VM_TOPOLOGY="${VM_TOPOLOGY:-2cpu}"
VM_TIMEOUT="${VM_TIMEOUT:-}"
vm_limit=(); [ -n "$VM_TIMEOUT" ] && vm_limit=(--vm-timeout "$VM_TIMEOUT")
CALIBRATION="${CALIBRATION:-}"
sim_cal=(); [ -n "$CALIBRATION" ] && sim_cal=(--calibration "$CALIBRATION")
S="$SCX/scheds"
[ -d "$S/rust" ] || { echo "try-scx.sh: $SCX is not an scx checkout (no scheds/rust)" >&2; exit 2; }
[ -x build/scxlab ] || make -j2 >/dev/null

# The BPF sources of scheduler $1 as its build.rs names them: the skeleton's source first
# (`enable_skel("src/bpf/X.bpf.c", ...)`, main.bpf.c when it names none), then each add_source.
sources() {
  local dir="$S/rust/scx_$1/src/bpf" rs="$S/rust/scx_$1/build.rs" f main
  main=$(grep -o 'enable_skel("src/bpf/[^"]*"' "$rs" 2>/dev/null | head -n1 | sed 's/enable_skel("src\/bpf\/\(.*\)"/\1/')
  echo "$dir/${main:-main.bpf.c}"
  for f in $(grep -o 'add_source("[^"]*")' "$rs" 2>/dev/null | sed 's/add_source("src\/bpf\/\(.*\)")/\1/'); do
    echo "$dir/$f"
  done
}

# "KIND: message" of a run directory's result.json, or the run's last error line.
outcome() {
  local dir=$1 log=$2
  if [ -s "$dir/result.json" ]; then
    jq -r '(.sched_ext.exit.kind_name // "none") + (if (.sched_ext.exit.msg // "") != "" then ": " + .sched_ext.exit.msg else "" end)' \
      "$dir/result.json" | cut -c1-70
  else
    echo "no result: $(grep -v '^\s*$' "$log" | tail -n1 | cut -c1-60)"
  fi
}

no_cpu() {
  [ -s "$1/result.json" ] && jq '[.tasks[] | select(.cpu_ns == 0)] | length' "$1/result.json" || echo "-"
}

mkdir -p "$OUT"
rows=()
for s in $SCHEDS; do
  d="$OUT/$s"
  inc=(-I "$S/include" -I "$S/include/bpf-compat" -I "$S/vmlinux/arch/x86" -I "$S/rust/scx_$s/src/bpf")
  mapfile -t srcs < <(sources "$s")
  base=$(basename "${srcs[0]}" .bpf.c)   # outputs are named after the first source
  sim_b=fail; bpf_b=fail
  if [ "${KEEP_BUILDS:-0}" = 1 ] && [ -f "$d/$base.sim.so" ] && [ -f "$d/$base.bpf.o" ]; then
    sim_b=ok; bpf_b=ok    # KEEP_BUILDS=1: the objects of an earlier run of this script
  else
    rm -rf "$d"; mkdir -p "$d"
    build/scxlab build -q --sim-only --out-dir "$d" "${inc[@]}" "${srcs[@]}" >"$d/build-sim.log" 2>&1 && sim_b=ok
    build/scxlab build -q --bpf-only --out-dir "$d" "${inc[@]}" "${srcs[@]}" >"$d/build-bpf.log" 2>&1 && bpf_b=ok
  fi
  prof="workloads/loaders/$TOPOLOGY/scx_$s.loader"   # a topology the 8-CPU profile does not fit
  [ -f "$prof" ] || prof="workloads/loaders/scx_$s.loader"
  with="-"; tasks="-"; without="-"; vm="-"; vm_with="-"; vm_tasks="-"
  if [ "$SIM" = 1 ] && [ "$sim_b" = ok ]; then
    if [ -f "$prof" ]; then
      build/scxlab run --quiet "${sim_cal[@]}" --policy "$d/$base.sim.so" --loader "$prof" --topology "$TOPOLOGY" --job "$JOB" \
        --duration "$DURATION" --out "$d/sim-profile" >"$d/sim-profile.log" 2>&1
      with="$(outcome "$d/sim-profile" "$d/sim-profile.log")"; tasks="$(no_cpu "$d/sim-profile")"
    fi
    build/scxlab run --quiet "${sim_cal[@]}" --policy "$d/$base.sim.so" --topology "$TOPOLOGY" --job "$JOB" \
      --duration "$DURATION" --out "$d/sim-bare" >"$d/sim-bare.log" 2>&1
    without="$(outcome "$d/sim-bare" "$d/sim-bare.log")"
  fi
  if [ "$VM" = 1 ] && [ "$bpf_b" = ok ] && [[ " $VM_SCHEDS " == *" $s "* ]]; then
    vprof="workloads/loaders/$VM_TOPOLOGY/scx_$s.loader"
    [ -f "$vprof" ] || vprof="workloads/loaders/scx_$s.loader"
    if [ -f "$vprof" ]; then
      build/scxlab run --quiet --target vm "${vm_limit[@]}" --topology "$VM_TOPOLOGY" --policy "$d/$base.bpf.o" --loader "$vprof" \
        --job "$JOB" --duration "$DURATION" --out "$d/vm-profile" >"$d/vm-profile.log" 2>&1
      vm_with="$(outcome "$d/vm-profile" "$d/vm-profile.log")"; vm_tasks="$(no_cpu "$d/vm-profile")"
    fi
    build/scxlab run --quiet --target vm "${vm_limit[@]}" --topology "$VM_TOPOLOGY" --policy "$d/$base.bpf.o" --job "$JOB" \
      --duration "$DURATION" --out "$d/vm-bare" >"$d/vm-bare.log" 2>&1
    vm="$(outcome "$d/vm-bare" "$d/vm-bare.log")"
  fi
  rows+=("$s|$sim_b|$bpf_b|$with|$tasks|$without|$vm_with|$vm_tasks|$vm")
done

printf '\n| scheduler | sim build | kernel build | sim, with profile | tasks without CPU time | sim, no profile |'
printf ' VM, with profile | VM tasks without CPU time | VM, no profile |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for r in "${rows[@]}"; do
  IFS='|' read -r a b c e f g h i j <<<"$r"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$a" "$b" "$c" "$e" "$f" "$g" "$h" "$i" "$j"
done
echo
echo "logs and results: $OUT/NAME/"
