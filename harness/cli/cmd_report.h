/*
 * `scxlab report DIR`: redraw a compare or merged sweep directory's figures from its
 * summary.json and (re)write its report page and tables (after restyling the gnuplot scripts,
 * or for results from an older scxlab). `scxlab timeline FILE`: draw a `scxlab run --timeline` file.
 */
#ifndef HARNESS_CMD_REPORT_H
#define HARNESS_CMD_REPORT_H

int cmd_report(int argc, char **argv);
int cmd_timeline(int argc, char **argv);

#endif
