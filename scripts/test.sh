#!/usr/bin/env bash
# The project's test command: install what is missing, build, build every policy both ways
# (kernel .bpf.o against a fetched sched_ext kernel's vmlinux.h, and simulator .sim.so), then
# run the criterion suite normally and under AddressSanitizer + UBSan, and each reader's fuzz
# target for 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
make -j"$(nproc)"
bash scripts/fetch-kernel.sh >/dev/null
make -j"$(nproc)" bpf
make -j"$(nproc)" test
make -j"$(nproc)" test-asan
make -j"$(nproc)" fuzz-ci
