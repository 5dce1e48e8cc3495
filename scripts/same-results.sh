#!/bin/bash
# Compare result.json from two builds of scxlab on a matrix of fixed inputs (topologies x
# policies, job files, large cells): every pair must be byte-identical. For checking that a
# speed change changes no output, e.g.
#   mkdir /tmp/old && git archive OLD_COMMIT | tar -x -C /tmp/old && make -C /tmp/old -j2 all policies
#   bash scripts/same-results.sh /tmp/old/build build
# Policies (.sim.so) come from the first build, so both simulators run the same objects.
set -u
OLD=${1:?usage: same-results.sh OLD_BUILD_DIR NEW_BUILD_DIR}
NEW=${2:?usage: same-results.sh OLD_BUILD_DIR NEW_BUILD_DIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fail=0

if [ ! -f "$OLD/policies/examples/scx_simple.sim.so" ]; then
	mkdir -p "$OLD/policies/examples"
	"$OLD/scxlab" build --sim-only --out "$OLD/policies/examples/scx_simple.sim.so" \
		"$(bash "$SRC/scripts/fetch-sched-ext-examples.sh" | tail -n1)/7.2/scx_simple.bpf.c" >/dev/null
fi

run() {
	local name=$1
	shift
	"$OLD/scxlab" run "$@" --out "$OUT/old-$name" --quiet >/dev/null 2>&1
	"$NEW/scxlab" run "$@" --out "$OUT/new-$name" --quiet >/dev/null 2>&1
	if [ -s "$OUT/old-$name/result.json" ] &&
	   cmp -s "$OUT/old-$name/result.json" "$OUT/new-$name/result.json"; then
		echo "same $name"
	else
		echo "DIFF $name"
		fail=1
	fi
}

P=$OLD/policies
for topo in 8cpu-smt 16cpu-2llc-smt 32cpu-2node 2x2x4x2 64; do
	for pol in examples/scx_simple sched/scxl_vtime sched/scxl_llc sched/scxl_central sched/scxl_adapt none; do
		if [ "$pol" = none ]; then args=(); else args=(--policy "$P/$pol.sim.so"); fi
		run "$topo-$(basename $pol)" "${args[@]}" --topology $topo --duration 150ms --seed 3
	done
done
run job-vtime --policy "$P/sched/scxl_vtime.sim.so" --job "$SRC/workloads/jobs/default.job" \
	--topology 8cpu-smt --duration 200ms
run job-fair --job "$SRC/workloads/jobs/default.job" --topology 16cpu-2llc-smt --duration 200ms
run fair-many --topology 8cpu-smt --hogs 5000 --pairs 500 --duration 100ms
run vtime-many --policy "$P/sched/scxl_vtime.sim.so" --topology 32cpu-2node --hogs 5000 --pairs 500 \
	--duration 100ms
run llc-many --policy "$P/sched/scxl_llc.sim.so" --topology 16cpu-2llc-smt --hogs 3000 --pairs 300 \
	--pp-work 50us --duration 100ms --seed 7
run simple-512 --policy "$P/examples/scx_simple.sim.so" --topology 512 --hogs 2048 --pairs 1024 \
	--duration 30ms
run fair-512-100k --topology 512 --hogs 75000 --pairs 12500 --duration 20ms
exit $fail
