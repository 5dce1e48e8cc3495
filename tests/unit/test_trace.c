/*
 * Traces: `scxlab run --trace` of a 1-second, 8-CPU simulated run is valid Chrome trace-event
 * JSON by the format's rules (checked with jq): one track per CPU, every CPU has slices, no two
 * slices overlap on a CPU, begin/end events balance, DSQ depth counters and kick events are
 * there, and the policy's error and the ejection appear as instant events. The same run's
 * timeline data for the gnuplot plot comes out beside it. Chrome DevTools' own trace engine
 * reads a trace with a track per CPU and every slice at the top level (overlapping slices
 * would nest into staircases), and a normal end of run is "end of run", not an ejection.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_helpers.h"

static void jq_true(const char *file, const char *filter, const char *what)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "jq -e '%s' '%s' >/dev/null", filter, file);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s (jq %s)", what, filter);
}

Test(trace, one_second_eight_cpus_is_valid_chrome_trace_json, .timeout = 300)
{
	char pol[4200], trace[600], timeline[600], out[600], log[700];

	snprintf(pol, sizeof(pol), "%s/sched/scxl_faulty.bpf.c", getenv("SCXLAB_SRC"));
	snprintf(trace, sizeof(trace), "%s/trace.json", th_tmpdir());
	snprintf(timeline, sizeof(timeline), "%s/timeline.dat", th_tmpdir());
	snprintf(out, sizeof(out), "%s/run", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--knob", "fault=2", "--knob", "fault_after_ns=500000000",
			       "--topology", "8cpu-2llc", "--duration", "1s", "--hogs", "6", "--pairs", "4", "--trace", trace,
			       "--timeline", timeline, "--timeline-window", "0.45s:0.55s", "--out", out, "--quiet",
			       "--expect-exit", "SCX_EXIT_ERROR_BPF", NULL), 0);

	jq_true(trace, "type == \"object\" and (.traceEvents | type == \"array\")", "an object with traceEvents");
	jq_true(trace, "[.traceEvents[] | select(.ph == \"M\" and .name == \"thread_name\") | .tid] | sort == [0,1,2,3,4,5,6,7]",
		"one named track per CPU");
	jq_true(trace, "[.traceEvents[] | select(.ph == \"X\") | .tid] | unique == [0,1,2,3,4,5,6,7]",
		"every CPU track has slices");
	jq_true(trace, "all(.traceEvents[]; (.ph | type == \"string\") and (.pid | type == \"number\") and "
		"(.ph == \"M\" or (.ts | type == \"number\")))", "every event has ph, pid and (but metadata) ts");
	jq_true(trace, "all(.traceEvents[] | select(.ph == \"X\"); .dur > 0 and .name != \"\")", "slices have a length and a name");
	jq_true(trace, "[.traceEvents[] | select(.ph == \"X\")] | group_by(.tid) | all(sort_by(.ts) as $s | "
		"[range(1; $s | length)] | all($s[. - 1].ts + $s[. - 1].dur <= $s[.].ts))",
		"no overlapping slices on a CPU, not even by a rounding error of ts + dur");
	jq_true(trace, "([.traceEvents[] | select(.ph == \"B\")] | length) == ([.traceEvents[] | select(.ph == \"E\")] | length)",
		"begin and end events balance");
	jq_true(trace, "any(.traceEvents[]; .ph == \"C\" and (.name | startswith(\"DSQ \")))", "DSQ depth counters");
	jq_true(trace, "any(.traceEvents[]; .ph == \"i\" and .name == \"policy error\" and "
		"(.args.msg | contains(\"injected error\")))", "the policy's error");
	jq_true(trace, "any(.traceEvents[]; .ph == \"i\" and (.name | startswith(\"ejected\")))", "the ejection");
	jq_true(trace, "[.traceEvents[] | select(.ph == \"X\") | .ts] | max <= 1000000.0 + 0.001", "slices within the run");

	/* the slices after the ejection are fair-class runs */
	jq_true(trace, "[.traceEvents[] | select(.ph == \"X\" and .ts > 600000) | .args.class] | unique == [\"fair\"]",
		"after the ejection every slice is in the fair class");
	char *tl = th_read_file(timeline, NULL);
	cr_assert_not_null(tl);
	cr_assert_not_null(strstr(tl, "# scxlab timeline"));
	free(tl);
}

Test(trace, devtools_trace_engine_reads_every_slice_at_top_level, .timeout = 300)
{
	char pol[4200], trace[600], out[600], log[700], cmd[8192];
	const char *engine = getenv("SCXLAB_TRACE_ENGINE");

	cr_assert(engine && *engine, "SCXLAB_TRACE_ENGINE is unset (make test sets it: scripts/fetch-trace-engine.sh)");
	snprintf(pol, sizeof(pol), "%s/sched/scxl_vtime.bpf.c", getenv("SCXLAB_SRC"));
	snprintf(trace, sizeof(trace), "%s/trace.json", th_tmpdir());
	snprintf(out, sizeof(out), "%s/run", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	/* a ping-pong workload: tens of thousands of back-to-back slices with ns-exact ends */
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--topology", "2", "--duration", "200ms", "--hogs", "1",
			       "--pairs", "2", "--trace", trace, "--out", out, "--quiet", NULL), 0);
	snprintf(cmd, sizeof(cmd), "node '%s/scripts/trace-check.mjs' '%s' '%s' > '%s' 2>&1", getenv("SCXLAB_SRC"), engine,
		 trace, log);
	int rc = system(cmd);
	char *text = th_read_file(log, NULL);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "DevTools' trace engine: %s", text);
	cr_assert_not_null(strstr(text, "CPU 0:"), "%s", text);
	cr_assert_not_null(strstr(text, "CPU 1:"), "%s", text);
	free(text);
	jq_true(trace, "has(\"displayTimeUnit\") | not", "no displayTimeUnit that readers take for the timestamps' unit");
	jq_true(trace, "any(.traceEvents[]; .ph == \"i\" and .name == \"end of run: policy unloaded\")",
		"the end of the run is marked as such");
	jq_true(trace, "all(.traceEvents[]; (.name // \"\") | startswith(\"ejected\") | not)", "no ejection in a healthy run");
}
