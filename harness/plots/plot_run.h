/*
 * Running one gnuplot script of harness/plots/ and making what it drew reproducible: the
 * same data gives byte-identical PNG, SVG and PDF files. cairo stamps a PDF with the time it
 * was drawn; that stamp is rewritten to $SOURCE_DATE_EPOCH (the reproducible-builds
 * convention), or to the epoch when it is not set.
 */
#ifndef HARNESS_PLOT_RUN_H
#define HARNESS_PLOT_RUN_H

#include <stddef.h>

/* gnuplot -e @vars harness/plots/@script, then the PDF at @outbase.pdf made reproducible.
 * 0, or -1 with the reason in @err. */
int plot_run__gnuplot(const char *script, const char *vars, const char *outbase, char *err, size_t errlen);
/* Rewrite the CreationDate of the PDF at @path in place (same length, so offsets hold). */
int plot_run__fix_pdf_date(const char *path);

#endif
