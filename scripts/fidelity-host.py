#!/usr/bin/env python3
"""Fidelity of the simulator's fair model against this host's own scheduler (docs/fidelity.md).

Calibrates the host (`scxlab calibrate --target host`), runs each job file with the real
stress-ng on the host (`scxlab run --target host`, no policy: the kernel's default scheduler,
measured by scxlab's probes) and in the simulator with that calibration (2 CPUs, one seed per
repetition), and prints markdown tables: per job and stressor the real and simulated median
and range of bogo-ops/s (wall clock and per CPU second), the error of the medians; per job
wakeup p50/p99, the fraction of zero-wait wakeups, switches/s and migrations/s. The load
average of the machine before each real run is printed too: real runs share the machine.

    python3 scripts/fidelity-host.py [--reps N] [--out DIR] [--cal FILE] [--jitter PCT] [JOB...]

Needs root, BTF and stress-ng (the same as `scxlab run --target host` without --policy).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCXLAB = os.path.join(ROOT, "build", "scxlab")
DEFAULT_JOBS = ["smoke-3s", "default", "cpu-saturating", "pingpong", "sleep-heavy", "fork-heavy",
                "migration-heavy"]


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        sys.exit("failed (%d): %s\n%s" % (r.returncode, " ".join(args), r.stderr[-2000:]))


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def zero_wait(r):
    w = r["latency_ns"]["wakeup"]
    return sum(c for lo, c in w.get("buckets", []) if lo == 0) / max(1, w["count"])


def per_s(r, key):
    return r["summary"][key] / (r["summary"]["sim_time_ns"] / 1e9)


def fmt(v):
    if v >= 1e6:
        return "%.3g" % v
    if v >= 100:
        return "%.0f" % v
    return "%.3g" % v


def span(vals):
    return "%s (%s-%s)" % (fmt(statistics.median(vals)), fmt(min(vals)), fmt(max(vals)))


def err(sim, real):
    m = statistics.median(real)
    return "%+.0f %%" % (100.0 * (statistics.median(sim) - m) / m) if m else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "fidelity-host"))
    ap.add_argument("--cal", help="use this calibration instead of measuring one")
    ap.add_argument("--jitter", type=int, default=0, help="machine.jitter_pct for the simulator")
    ap.add_argument("jobs", nargs="*")
    a = ap.parse_args()
    jobs = a.jobs or DEFAULT_JOBS
    os.makedirs(a.out, exist_ok=True)
    cal = a.cal or os.path.join(a.out, "host.cal")
    if not a.cal:
        run([SCXLAB, "calibrate", "--target", "host", "--seconds", "2", "--out", cal])
    simcal = os.path.join(a.out, "sim.cal")
    with open(cal) as f, open(simcal, "w") as g:
        g.write(f.read())
        if a.jitter:
            g.write("machine.jitter_pct %d\n" % a.jitter)
    res = {}
    loads = []
    for job in jobs:
        path = os.path.join(ROOT, "workloads", "jobs", job + ".job")
        real, sim = [], []
        for rep in range(1, a.reps + 1):
            d = os.path.join(a.out, "%s-real-%d" % (job, rep))
            loads.append(loadavg())
            run([SCXLAB, "run", "--target", "host", "--job", path, "--quiet", "--out", d])
            real.append(json.load(open(os.path.join(d, "result.json"))))
            d = os.path.join(a.out, "%s-sim-%d" % (job, rep))
            run([SCXLAB, "run", "--job", path, "--topology", "2", "--calibration", simcal, "--seed", str(rep),
                 "--quiet", "--out", d])
            sim.append(json.load(open(os.path.join(d, "result.json"))))
        res[job] = (real, sim)

    uname = os.uname()
    print("Host: Linux %s, %d CPUs, its default scheduler (no sched_ext policy); simulator: 2 CPUs, "
          "the host calibration%s; %d repetitions (seeds 1-%d); load average before the real runs "
          "%.1f-%.1f (median %.1f).\n" % (uname.release, os.cpu_count(), a.jitter and
                                          ", machine.jitter_pct %d" % a.jitter or "", a.reps, a.reps,
                                          min(loads), max(loads), statistics.median(loads)))
    print("| job | stressor | real ops/s | sim ops/s | error | real ops/CPU-s | sim ops/CPU-s | error |")
    print("|---|---|---|---|---|---|---|---|")
    errs, errs_cpu = [], []
    for job, (real, sim) in res.items():
        for i, s in enumerate(real[0]["stressors"]):
            rv = [r["stressors"][i]["bogo_ops_per_second_real_time"] for r in real]
            sv = [r["stressors"][i]["bogo_ops_per_second_real_time"] for r in sim]
            rc = [r["stressors"][i]["bogo_ops_per_second_usr_sys_time"] for r in real]
            sc = [r["stressors"][i]["bogo_ops_per_second_usr_sys_time"] for r in sim]
            errs.append(abs(statistics.median(sv) / statistics.median(rv) - 1))
            errs_cpu.append(abs(statistics.median(sc) / statistics.median(rc) - 1))
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (job, s["stressor"], span(rv), span(sv), err(sv, rv),
                                                             span(rc), span(sc), err(sc, rc)))
    print("\nMedian absolute error of the medians: %.0f %% (ops/s), %.0f %% (ops per CPU second).\n"
          % (100 * statistics.median(errs), 100 * statistics.median(errs_cpu)))
    print("| job | wakeup p50 us real / sim | p99 us real / sim | zero-wait real / sim | switches/s real / sim "
          "| migrations/s real / sim |")
    print("|---|---|---|---|---|---|")
    for job, (real, sim) in res.items():
        def col(f, scale=1.0):
            return "%s / %s" % (span([f(r) * scale for r in real]), span([f(r) * scale for r in sim]))
        print("| %s | %s | %s | %s | %s | %s |" % (
            job, col(lambda r: r["latency_ns"]["wakeup"]["p50"], 1e-3),
            col(lambda r: r["latency_ns"]["wakeup"]["p99"], 1e-3),
            "%.1f %% / %.1f %%" % (100 * statistics.median(map(zero_wait, real)),
                                   100 * statistics.median(map(zero_wait, sim))),
            col(lambda r: per_s(r, "context_switches")), col(lambda r: per_s(r, "migrations"))))


if __name__ == "__main__":
    main()
