# `scxlab validate`'s figure: the simulator against the real target, one point per job,
# policy and stressor or metric (medians), bars from the smallest to the largest run in each
# world, and the dashed y = x line on which the two agree. Four panels: throughput (bogo-ops
# per wall-clock second, filled, and per CPU second, open), wakeup latency (p50 filled, p99
# open), switches and migrations per second (filled, open), and the zero-wait fraction.
# Called as: gnuplot -e "opsfile='...'; latfile='...'; ratefile='...'; zerofile='...';
#   outbase='...'; real='host (...)'; olo=..; ohi=..; llo=..; lhi=..; rlo=..; rhi=.." validate.gp
# Data: real_median real_min real_max sim_median sim_min sim_max label rgb point
set grid
set key bottom right noenhanced box opaque font ",8"
set size square
edge(v, lo) = v > 0 ? v : lo * 1.15
logpanel = 'set logscale xy; set format xy "10^{%T}"; set xrange [lo:hi]; set yrange [lo:hi]; \
  plot f using (edge($1,lo)):(edge($4,lo)):(edge($2,lo)):(edge($3,lo)):(edge($5,lo)):(edge($6,lo)):8 \
       with xyerrorbars lc rgb variable pt -1 notitle, \
    f using (edge($1,lo)):(edge($4,lo)):9:8 with points pt variable ps 1.3 lc rgb variable notitle, \
    x with lines dt 2 lc rgb "#555555" title "y = x"'
plot_it = 'set multiplot layout 2,2 title sprintf("Simulator vs %s (medians; bars: min..max over runs; on the dashed line they agree)", real) noenhanced; \
  set title "Throughput per stressor (filled: per second, open: per CPU second)"; \
  set xlabel "real: bogo-ops/s"; set ylabel "simulator: bogo-ops/s"; f = opsfile; lo = olo; hi = ohi; eval logpanel; \
  set title "Wakeup latency (filled: p50, open: p99)"; \
  set xlabel "real: us"; set ylabel "simulator: us"; f = latfile; lo = llo; hi = lhi; eval logpanel; \
  set title "Per second (filled: context switches, open: migrations)"; \
  set xlabel "real: per second"; set ylabel "simulator: per second"; f = ratefile; lo = rlo; hi = rhi; eval logpanel; \
  set title "Wakeups that waited 0 ns"; unset logscale; set format xy "%g"; \
  set xlabel "real: %"; set ylabel "simulator: %"; set xrange [-2:102]; set yrange [-2:102]; \
  plot zerofile using 1:4:2:3:5:6:8 with xyerrorbars lc rgb variable pt -1 notitle, \
    zerofile using 1:4:9:8 with points pt variable ps 1.3 lc rgb variable notitle, \
    x with lines dt 2 lc rgb "#555555" title "y = x"; \
  unset multiplot'
set terminal pngcairo size 1400,1300 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size 1400,1300 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size 10in,9.3in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
