/*
 * gnuplot runs with reproducible output (see plot_run.h).
 */
#include "harness/plots/plot_run.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int plot_run__fix_pdf_date(const char *path)
{
	static const char key[] = "/CreationDate (D:";
	FILE *f = fopen(path, "r+b");
	char *doc, stamp[16];
	long size;
	time_t when = 0;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;

	if (!f)
		return -1;
	if (sde && *sde)
		when = (time_t)strtoll(sde, NULL, 10);
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	doc = malloc((size_t)size + 1);
	if (!doc || fread(doc, 1, (size_t)size, f) != (size_t)size) {
		free(doc);
		fclose(f);
		return -1;
	}
	doc[size] = 0;
	/* the stamp is D:YYYYMMDDHHMMSS then a zone: only the 14 digits change */
	for (char *at = doc; (at = memmem(at, (size_t)(doc + size - at), key, sizeof(key) - 1)); at++) {
		long off = (long)(at - doc) + (long)sizeof(key) - 1;
		if (off + 14 <= size && !fseek(f, off, SEEK_SET))
			fwrite(stamp, 1, 14, f);
	}
	free(doc);
	return fclose(f) ? -1 : 0;
}

int plot_run__gnuplot(const char *script, const char *vars, const char *outbase, char *err, size_t errlen)
{
	struct argv_buf a = { 0 };
	char pdf[4400];
	int rc;

	argv__add(&a, "gnuplot");
	argv__add(&a, "-e");
	argv__add(&a, vars);
	argv__addf(&a, "%s/harness/plots/%s", scxlab__root(), script);
	rc = proc__run(&a);
	argv__free(&a);
	if (rc) {
		snprintf(err, errlen, "gnuplot %s failed (exit %d)", script, rc);
		return -1;
	}
	snprintf(pdf, sizeof(pdf), "%s.pdf", outbase);
	if (plot_run__fix_pdf_date(pdf)) {
		snprintf(err, errlen, "%s: cannot make it reproducible", pdf);
		return -1;
	}
	return 0;
}
