# scxlab build: the simulator library, the scxlab CLI, tests and benchmarks.
#
#   make            build/libscxsim.so and build/scxlab
#   make test       build and run the criterion suite (policies built both ways)
#   make test-asan  the same suite under AddressSanitizer + UBSan (build-asan/)
#   make bpf        compile every sched/*.bpf.c for the kernel (needs a vmlinux.h)
#   make bench      print simulator speed figures
#   make fuzz       libFuzzer + ASan/UBSan on every reader, FUZZ_SECONDS (600) each
#   make fuzz-ci    the same, FUZZ_CI_SECONDS (30) each, after the regression inputs
#
# Sources are picked up by wildcard: add a .c file to a listed folder and it is built.

CC      ?= cc
BUILD   ?= build
SAN     ?=
OPT     ?= -O2

WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes
# -fno-semantic-interposition and -Bsymbolic-functions (libscxsim.so): nothing replaces the
# library's functions from outside, so its calls to its own functions are direct (no PLT, and
# within a file they may be inlined); see docs/performance.md, fifth pass.
CFLAGS  := -std=c17 $(OPT) -g -fPIC -fno-semantic-interposition -D_GNU_SOURCE $(WARN) -I. $(SAN) $(EXTRA_CFLAGS)
# The CLI finds the shim and BPF headers of the tree it was built from.
HARNESS_CFLAGS := -DSCXLAB_SRC_ROOT='"$(CURDIR)"'
LDFLAGS := $(SAN) $(EXTRA_LDFLAGS)
LIBS    := -lbpf -lelf -lz -ldl -lm

SIM_DIRS := sim/engine sim/topo sim/core sim/scx sim/fair sim/bpf sim/policy sim/metrics workloads \
            workloads/stressng workloads/stressors
SIM_SRCS := $(foreach d,$(SIM_DIRS),$(wildcard $(d)/*.c))
# harness/ by concern (docs/architecture.md); the kernel-side loader, the BPF probes and the
# guest's machine probe are built apart
CLI_SRCS := $(filter-out harness/kload/% harness/probes/% harness/mprobe/%,$(wildcard harness/*.c harness/*/*.c))
TEST_SRCS := $(wildcard tests/unit/*.c)
BENCH_SRCS := $(wildcard tests/bench/*.c)

SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
# tests also exercise harness pieces that do not need the CLI around them
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/harness/real/preflight.o \
             $(BUILD)/obj/harness/results/result_read.o $(BUILD)/obj/harness/profile/loader_profile.o \
             $(BUILD)/obj/harness/run/loader_profile_sim.o $(BUILD)/obj/harness/profile/map_fill.o \
             $(BUILD)/obj/harness/util/options.o $(BUILD)/obj/harness/results/group_label.o \
             $(BUILD)/obj/harness/results/compare_summary.o $(BUILD)/obj/harness/results/summary_csv.o \
             $(BUILD)/obj/harness/util/atomic_file.o $(BUILD)/obj/harness/report/report_tables.o \
             $(BUILD)/obj/harness/report/summary_print.o $(BUILD)/obj/harness/real/machine_probe.o \
             $(BUILD)/obj/harness/util/line_text.o $(BUILD)/obj/harness/real/verify_matrix.o \
             $(BUILD)/obj/harness/util/temp_files.o $(BUILD)/obj/harness/validate/validate_stats.o \
             $(BUILD)/obj/harness/validate/validate_report.o $(BUILD)/obj/harness/real/kreport.o \
              $(BUILD)/obj/harness/results/verdict.o $(BUILD)/obj/harness/plots/plot_style.o \
              $(BUILD)/obj/harness/util/sorted_values.o $(BUILD)/obj/harness/selftests/selftest_table.o \
              $(BUILD)/obj/harness/selftests/selftest_guest_job.o $(BUILD)/obj/harness/util/paths.o \
              $(BUILD)/obj/harness/cli/calibrate_enable.o
# the bench finishes a run as the CLI does (result.json through run_result)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/harness/results/run_result.o \
              $(BUILD)/obj/harness/results/run_measure.o $(BUILD)/obj/harness/results/run_print.o \
              $(BUILD)/obj/harness/results/verdict.o $(BUILD)/obj/harness/util/temp_files.o

# the daemon API's shared parts (not its simulator backend) and atomic files go into both
# programs; a loader profile is parsed by the simulator's parser (one for both worlds)
KLOAD_SRCS := $(filter-out harness/daemon/daemon_sim.c,$(wildcard harness/kload/*.c harness/daemon/*.c)) \
              harness/util/atomic_file.c harness/util/temp_files.c harness/profile/loader_profile.c \
              harness/util/line_text.c harness/util/options.c sim/policy/btf_path.c harness/profile/map_fill.c
KLOAD_OBJS := $(KLOAD_SRCS:%.c=$(BUILD)/obj/%.o)
KLOAD   := $(BUILD)/scxlab-kload
# the machine-cost probe that `calibrate --target vm` runs inside the guest
MPROBE_SRCS := harness/mprobe/main.c harness/real/machine_probe.c
MPROBE  := $(BUILD)/scxlab-mprobe
LIBSIM  := $(BUILD)/libscxsim.so
SCXLAB  := $(BUILD)/scxlab
TESTBIN := $(BUILD)/tests/unit-tests
BENCHBIN := $(BUILD)/tests/bench

# Policies: the project's own (sched/) and the test fixtures (tests/policies/).
POLICY_SRCS := $(wildcard sched/*.bpf.c)
FIXTURE_SRCS := $(wildcard tests/policies/*.bpf.c)
POLICY_SIMS := $(POLICY_SRCS:%.bpf.c=$(BUILD)/policies/%.sim.so)
FIXTURE_SIMS := $(FIXTURE_SRCS:%.bpf.c=$(BUILD)/policies/%.sim.so)
POLICY_BPFS := $(POLICY_SRCS:%.bpf.c=$(BUILD)/policies/%.bpf.o)

# The harness's own BPF programs (latency probes for real-kernel runs), built against the
# vmlinux.h scripts/fetch-kernel.sh leaves in the cache (the same one `scxlab build` uses).
CACHE_DIR   := $(or $(SCXLAB_CACHE),$(if $(XDG_CACHE_HOME),$(XDG_CACHE_HOME)/scxlab,$(HOME)/.cache/scxlab))
VMLINUX_DIR ?= $(or $(SCXLAB_VMLINUX_DIR),$(CACHE_DIR)/kernel)
CLANG       ?= $(or $(SCXLAB_CLANG),$(shell for c in clang-22 clang-21 clang-20 clang-19 clang; do \
                 command -v $$c && break; done))
PROBES      := $(BUILD)/probes/latency.bpf.o

.PHONY: all test test-asan bpf bench clean policies check-bpf fuzz fuzz-ci
all: $(LIBSIM) $(SCXLAB) $(KLOAD) $(MPROBE)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/harness/util/paths.o: harness/util/paths.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_CFLAGS) -MMD -MP -c $< -o $@

$(LIBSIM): $(SIM_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libscxsim.so -Wl,-Bsymbolic-functions $(LDFLAGS) -o $@ $^ $(LIBS)

# -rdynamic: user-space policy daemons loaded into scxlab call its scxd_* functions.
$(SCXLAB): $(CLI_OBJS) $(LIBSIM)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(CLI_OBJS) -L$(BUILD) -lscxsim -Wl,-rpath,'$$ORIGIN' $(LIBS) -ldw

# The kernel-side loader: libbpf only (libscxsim's helper names would interpose libbpf's API).
$(KLOAD): $(KLOAD_OBJS)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^ -lbpf -lelf -lz -ldl -lpthread -lm

$(MPROBE): $(MPROBE_SRCS:%.c=$(BUILD)/obj/%.o)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

# Every policy goes through the CLI's own build step, so tests exercise it too.
$(BUILD)/policies/%.sim.so: %.bpf.c $(SCXLAB) $(wildcard sim/shim/*.h sim/shim/*/*.h)
	@mkdir -p $(dir $@)
	$(SCXLAB) build --sim-only --out $@ $<

$(BUILD)/policies/%.bpf.o: %.bpf.c $(SCXLAB) $(wildcard sched/include/*/*.h)
	@mkdir -p $(dir $@)
	$(SCXLAB) build --bpf-only --out $@ $<

policies: $(POLICY_SIMS) $(FIXTURE_SIMS)
bpf: $(POLICY_BPFS) $(PROBES)

$(BUILD)/probes/%.bpf.o: harness/probes/%.bpf.c $(VMLINUX_DIR)/vmlinux.h
	@mkdir -p $(dir $@)
	$(CLANG) -target bpf -mcpu=v3 -g -O2 -Wall -Wno-missing-declarations -D__TARGET_ARCH_x86 -I$(VMLINUX_DIR) \
	  -idirafter /usr/include/$(shell uname -m)-linux-gnu -c $< -o $@

$(TESTBIN): $(TEST_OBJS) $(LIBSIM)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) -L$(BUILD) -lscxsim -Wl,-rpath,'$$ORIGIN/..' -lcriterion $(LIBS)

$(BENCHBIN): $(BENCH_OBJS) $(LIBSIM)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJS) -L$(BUILD) -lscxsim -Wl,-rpath,'$$ORIGIN/..' $(LIBS)

# Tests find the built policies and the CLI through these variables.
# The external suites need the kernel's example schedulers and its sched_ext selftests, and the
# trace test Chrome DevTools' trace engine (npm): each fetched once into the cache.
test: all policies bpf $(TESTBIN)
	SCXLAB_BUILD=$(abspath $(BUILD)) SCXLAB_SRC=$(CURDIR) \
	SCXLAB_EXAMPLES=$$(bash scripts/fetch-sched-ext-examples.sh | tail -n1) \
	SCXLAB_SELFTESTS=$$(bash scripts/fetch-sched-ext-selftests.sh | tail -n1) \
	SCXLAB_TRACE_ENGINE=$$(bash scripts/fetch-trace-engine.sh | tail -n1) \
	$(TESTBIN) $(TEST_ARGS)

test-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

# The scaling benchmark also runs the kernel's scx_simple example (fetched once into the cache).
bench: all policies $(BENCHBIN)
	@mkdir -p $(BUILD)/policies/examples
	$(SCXLAB) build --sim-only --out $(BUILD)/policies/examples/scx_simple.sim.so \
	  $$(bash scripts/fetch-sched-ext-examples.sh | tail -n1)/7.2/scx_simple.bpf.c
	SCXLAB_BUILD=$(abspath $(BUILD)) $(BENCHBIN)

# Fuzz targets (tests/fuzz/): each reader with the sources it needs, built by clang with
# libFuzzer, ASan and UBSan into build-fuzz/. Corpora start from the repository's own files;
# tests/fuzz/regressions/TARGET/ holds inputs that once crashed or hung, run every time.
# Debian's default clang with libclang-rt-dev (scripts/deps.sh): clang-19 from backports has no libFuzzer runtime
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -std=c17 -g -O1 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_READERS := tests/fuzz/fuzz_input.c sim/topo/topology.c sim/topo/topology_file.c sim/topo/topology_spec.c workloads/job_parse.c \
                workloads/job_query.c workloads/stressng/tables.c workloads/stressors/costs.c \
                harness/sweep/sweep_spec.c harness/util/options.c harness/results/result_read.c \
                harness/real/kernels.c harness/util/paths.c harness/util/proc.c harness/util/temp_files.c
FUZZ_TARGETS := job result sweep topology calibration options
FUZZ_BINS    := $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
FUZZ_SECONDS ?= 600
FUZZ_CI_SECONDS ?= 30
fuzz_seeds_job         := workloads/jobs/*.job
fuzz_seeds_result      := $(shell find results -name '*.json' 2>/dev/null)
fuzz_seeds_sweep       := tests/fuzz/seeds/*.sweep
fuzz_seeds_topology    := workloads/topologies/*.topo
fuzz_seeds_calibration := workloads/calibration/*.cal
fuzz_seeds_options     := tests/fuzz/seeds/*.opt

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_READERS) tests/fuzz/fuzz_input.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_READERS) -lm

fuzz: $(FUZZ_BINS)
	$(foreach t,$(FUZZ_TARGETS),tests/fuzz/run.sh $(t) $(FUZZ_SECONDS) $(fuzz_seeds_$(t)) &&) true

fuzz-ci: $(FUZZ_BINS)
	$(foreach t,$(FUZZ_TARGETS),tests/fuzz/run.sh $(t) $(FUZZ_CI_SECONDS) $(fuzz_seeds_$(t)) &&) true

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
