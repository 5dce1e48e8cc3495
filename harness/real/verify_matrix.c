/*
 * `scxlab verify` results across kernels (see verify_matrix.h).
 */
#include "harness/real/verify_matrix.h"
#include "sim/metrics/json.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *verify_verdict__name(enum verify_verdict v)
{
	switch (v) {
	case VERIFY_ACCEPTED: return "accepted";
	case VERIFY_REJECTED: return "rejected";
	case VERIFY_NO_SCHED_EXT: return "no sched_ext";
	default: return "not run";
	}
}

/* A line of the verifier's instruction trace ("12: (85) call ...", "; x = y @ f.c:3"). */
static bool trace_line(const char *l)
{
	const char *p = l;

	if (*l == ';')
		return true;
	while (isdigit((unsigned char)*p))
		p++;
	return p > l && *p == ':';
}

static void add_reason(struct verify_cell *c, const char *line, size_t len)
{
	size_t have = strlen(c->reason);

	if (have)
		have += (size_t)snprintf(c->reason + have, sizeof(c->reason) - have, " / ");
	if (have < sizeof(c->reason))
		snprintf(c->reason + have, sizeof(c->reason) - have, "%.*s", (int)len, line);
}

/*
 * The reason's first lines: the kernel has no sched_ext; else the verifier's last words before
 * its "processed N insns" line (at most two, not trace lines); else libbpf's first complaint.
 */
static void find_reason(struct verify_cell *c, const char *text)
{
	const char *lines[2] = { 0 }, *p, *nl, *first = NULL;
	size_t lens[2] = { 0 };

	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		size_t len = (size_t)(nl - p);
		const char *hit = strstr(p, "has no sched_ext");
		if (hit && hit < nl) {
			/* "scxlab load: kernel R has no sched_ext (...); use ...": up to the ';' */
			const char *from = strncmp(p, "scxlab load: ", 13) ? p : p + 13, *to = strchr(from, ';');
			c->verdict = VERIFY_NO_SCHED_EXT;
			add_reason(c, from, (size_t)((to && to < nl ? to : nl) - from));
			return;
		}
		if (!strncmp(p, "processed ", 10) && lines[1]) {
			for (int i = 0; i < 2; i++)
				if (lines[i])
					add_reason(c, lines[i], lens[i]);
			return;
		}
		if (len && !trace_line(p) && strncmp(p, "PROG ", 5) && strncmp(p, "libbpf:", 7) &&
		    strncmp(p, "scxlab load:", 12) && strncmp(p, "--", 2)) {
			lines[0] = lines[1];
			lens[0] = lens[1];
			lines[1] = p;
			lens[1] = len;
		}
		if (!first && !strncmp(p, "libbpf:", 7) && memmem(p, len, "failed", 6))
			first = p;
		if (!*nl)
			break;
	}
	if (first)
		add_reason(c, first, strcspn(first, "\n"));
	else if (*text)
		add_reason(c, text, strcspn(text, "\n"));
	else
		add_reason(c, "the loader printed nothing", 26);
}

void verify_cell__parse(struct verify_cell *c, const char *text, int rc)
{
	const char *p;

	c->nr_progs = 0;
	c->reason[0] = 0;
	c->verdict = rc == 0 ? VERIFY_ACCEPTED : VERIFY_REJECTED;
	for (p = text; p && (p = strstr(p, "PROG ")); p++) {
		struct verify_prog *g = &c->progs[c->nr_progs];
		if ((p != text && p[-1] != '\n') || c->nr_progs == VERIFY_MAX_PROGS)
			continue;
		int got = sscanf(p, "PROG %63s insns %lu states %lu peak_states %lu", g->name, &g->insns, &g->states,
				 &g->peak_states);
		if (got == 2)
			g->states = g->peak_states = VERIFY_UNKNOWN; /* "states - peak_states -" */
		if (got == 2 || got == 4)
			c->nr_progs++;
	}
	if (rc != 0)
		find_reason(c, text ? text : "");
}

const char *verify_count(unsigned long v, const char *unknown, char *buf, size_t len)
{
	if (v == VERIFY_UNKNOWN)
		return unknown;
	snprintf(buf, len, "%lu", v);
	return buf;
}

static void release_short(const char *rel, char *out, size_t len)
{
	/* "7.3.4+deb13-cloud-amd64" -> "7.3.4" */
	snprintf(out, len, "%.*s", (int)strcspn(rel, "+-"), rel);
}

void verify_matrix__print_text(const struct verify_matrix *m, FILE *f)
{
	char s[64];
	int w = 24;

	for (int p = 0; p < m->nr_policies; p++)
		if ((int)strlen(m->policies[p]) > w)
			w = (int)strlen(m->policies[p]);
	fprintf(f, "verify: %d %s x %d %s, each kernel booted once in QEMU (%s%s)\n", m->nr_policies,
		m->nr_policies == 1 ? "policy" : "policies", m->nr_kernels, m->nr_kernels == 1 ? "kernel" : "kernels",
		m->accel, strcmp(m->accel, "kvm") ? ", emulated: the verifier's counts do not depend on it" : "");
	fprintf(f, "%-*s", w + 2, "");
	for (int k = 0; k < m->nr_kernels; k++) {
		release_short(m->kernels[k].release, s, sizeof(s));
		fprintf(f, " %-14s", s);
	}
	fputc('\n', f);
	for (int p = 0; p < m->nr_policies; p++) {
		fprintf(f, "%-*s", w + 2, m->policies[p]);
		for (int k = 0; k < m->nr_kernels; k++) {
			enum verify_verdict v = m->kernels[k].cells[p].verdict;
			fprintf(f, " %-14s", v == VERIFY_ACCEPTED ? "ok" : v == VERIFY_REJECTED ? "REJECTED" :
				verify_verdict__name(v));
		}
		fputc('\n', f);
	}
	for (int k = 0; k < m->nr_kernels; k++)
		if (m->kernels[k].error[0])
			fprintf(f, "\nkernel %s: %s\n", m->kernels[k].spec[0] ? m->kernels[k].spec : "(default)",
				m->kernels[k].error);
	for (int p = 0; p < m->nr_policies; p++) {
		fprintf(f, "\n%s\n", m->policies[p]);
		fprintf(f, "  %-26s %-10s %-32s %9s %8s %6s\n", "kernel", "verdict", "program", "insns", "states",
			"peak");
		for (int k = 0; k < m->nr_kernels; k++) {
			const struct verify_cell *c = &m->kernels[k].cells[p];
			const char *rel = m->kernels[k].release;
			if (!c->nr_progs)
				fprintf(f, "  %-26s %-10s %-32s %9s %8s %6s\n", rel, verify_verdict__name(c->verdict), "-",
					"-", "-", "-");
			for (int i = 0; i < c->nr_progs; i++) {
				char st[24], pk[24];
				fprintf(f, "  %-26s %-10s %-32s %9lu %8s %6s\n", i ? "" : rel,
					i ? "" : verify_verdict__name(c->verdict), c->progs[i].name, c->progs[i].insns,
					verify_count(c->progs[i].states, "-", st, sizeof(st)),
					verify_count(c->progs[i].peak_states, "-", pk, sizeof(pk)));
			}
			if (c->reason[0])
				fprintf(f, "  %-26s why: %s\n", "", c->reason);
		}
	}
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void verify_matrix__print_csv(const struct verify_matrix *m, FILE *f)
{
	fprintf(f, "policy,kernel,release,verdict,program,insns,states,peak_states,reason\n");
	for (int p = 0; p < m->nr_policies; p++)
		for (int k = 0; k < m->nr_kernels; k++) {
			const struct verify_kernel *kn = &m->kernels[k];
			const struct verify_cell *c = &kn->cells[p];
			for (int i = 0; i < (c->nr_progs ? c->nr_progs : 1); i++) {
				csv_field(f, m->policies[p]);
				fputc(',', f);
				csv_field(f, kn->spec[0] ? kn->spec : "default");
				fputc(',', f);
				csv_field(f, kn->release);
				fprintf(f, ",%s,", verify_verdict__name(c->verdict));
				if (c->nr_progs) {
					csv_field(f, c->progs[i].name);
					char st[24], pk[24];
					fprintf(f, ",%lu,%s,%s,", c->progs[i].insns,
						verify_count(c->progs[i].states, "", st, sizeof(st)),
						verify_count(c->progs[i].peak_states, "", pk, sizeof(pk)));
				} else {
					fprintf(f, ",,,,");
				}
				csv_field(f, c->reason[0] ? c->reason : kn->error);
				fputc('\n', f);
			}
		}
}

void verify_matrix__print_json(const struct verify_matrix *m, FILE *f)
{
	struct json_writer w;

	json__init_file(&w, f);
	json__begin_object(&w);
	json__key(&w, "accel");
	json__string(&w, m->accel);
	json__key(&w, "kernels");
	json__begin_array(&w);
	for (int k = 0; k < m->nr_kernels; k++) {
		json__begin_object(&w);
		json__key(&w, "kernel");
		json__string(&w, m->kernels[k].spec[0] ? m->kernels[k].spec : "default");
		json__key(&w, "release");
		json__string(&w, m->kernels[k].release);
		if (m->kernels[k].error[0]) {
			json__key(&w, "error");
			json__string(&w, m->kernels[k].error);
		}
		json__end_object(&w);
	}
	json__end_array(&w);
	json__key(&w, "results");
	json__begin_array(&w);
	for (int p = 0; p < m->nr_policies; p++)
		for (int k = 0; k < m->nr_kernels; k++) {
			const struct verify_cell *c = &m->kernels[k].cells[p];
			json__begin_object(&w);
			json__key(&w, "policy");
			json__string(&w, m->policies[p]);
			json__key(&w, "kernel");
			json__string(&w, m->kernels[k].spec[0] ? m->kernels[k].spec : "default");
			json__key(&w, "release");
			json__string(&w, m->kernels[k].release);
			json__key(&w, "verdict");
			json__string(&w, verify_verdict__name(c->verdict));
			json__key(&w, "reason");
			json__string(&w, c->reason);
			json__key(&w, "programs");
			json__begin_array(&w);
			for (int i = 0; i < c->nr_progs; i++) {
				json__begin_object(&w);
				json__key(&w, "name");
				json__string(&w, c->progs[i].name);
				json__key(&w, "insns");
				json__u64(&w, c->progs[i].insns);
				json__key(&w, "states");
				if (c->progs[i].states == VERIFY_UNKNOWN)
					json__null(&w);
				else
					json__u64(&w, c->progs[i].states);
				json__key(&w, "peak_states");
				if (c->progs[i].peak_states == VERIFY_UNKNOWN)
					json__null(&w);
				else
					json__u64(&w, c->progs[i].peak_states);
				json__end_object(&w);
			}
			json__end_array(&w);
			json__end_object(&w);
		}
	json__end_array(&w);
	json__end_object(&w);
	fputc('\n', f);
}

int verify_matrix__status(const struct verify_matrix *m)
{
	int with_sched_ext = 0;

	for (int k = 0; k < m->nr_kernels; k++)
		for (int p = 0; p < m->nr_policies; p++) {
			enum verify_verdict v = m->kernels[k].cells[p].verdict;
			if (v == VERIFY_REJECTED || v == VERIFY_NOT_RUN)
				return 1;
			with_sched_ext += v == VERIFY_ACCEPTED;
		}
	return with_sched_ext ? 0 : 1;
}

void verify_matrix__free(struct verify_matrix *m)
{
	for (int k = 0; k < m->nr_kernels; k++) {
		for (int p = 0; m->kernels[k].cells && p < m->nr_policies; p++)
			free(m->kernels[k].cells[p].log);
		free(m->kernels[k].cells);
	}
	free(m->kernels);
	m->kernels = NULL;
}
