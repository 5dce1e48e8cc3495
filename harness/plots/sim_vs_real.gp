# The simulator against the real kernel: one labelled point per policy and metric (medians),
# in the policy's colour and marker, with the y = x line. A value of 0, which a log axis cannot
# show, is drawn as an open marker on the panel's lower edge, so nothing is dropped.
# Called by `scxlab compare` as: gnuplot -e "thrfile='...'; latfile='...'; outbase='...';
#   real='vm'; tlo=..; thi=..; llo=..; lhi=.." sim_vs_real.gp (the panels' ranges)
# Data: real_value sim_value label rgb point. Both axes of a panel share one log range, so
# y = x is the diagonal and distance from it is the simulator's error factor.
set grid
set key bottom right noenhanced box opaque
set logscale xy
set size square
set format xy "10^{%T}"
# a zero sits on the lower edge of its panel
edge(v, lo) = v > 0 ? v : lo * 1.15
iszero(a, b) = (a <= 0 || b <= 0)
panel = 'plot f using (edge($1,lo)):(edge($2,lo)):5:4 with points pt variable ps 1.4 lc rgb variable title "policy x metric", \
  f using (iszero($1,$2) ? edge($1,lo) : NaN):(edge($2,lo)) with points pt 6 ps 2.2 lc rgb "#555555" title "a value of 0", \
  f using (edge($1,lo)):(edge($2,lo)):3 with labels font ",7" offset char 0.6,0.6 left noenhanced notitle, \
  x with lines dt 2 lc rgb "#555555" title "y = x"'
plot_it = 'set multiplot layout 1,2 title sprintf("Simulator vs %s kernel (on the dashed line y = x they agree)", real); \
  set title "Throughput per stressor"; set xlabel sprintf("%s: bogo-ops/s", real); set ylabel "simulator: bogo-ops/s"; \
  set xrange [tlo:thi]; set yrange [tlo:thi]; f = thrfile; lo = tlo; eval panel; \
  set title "Wakeup latency p50 and p99"; set xlabel sprintf("%s: latency (us)", real); set ylabel "simulator: latency (us)"; \
  set xrange [llo:lhi]; set yrange [llo:lhi]; f = latfile; lo = llo; eval panel; \
  unset multiplot'
set terminal pngcairo size 1400,700 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size 1400,700 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size 10in,5in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
