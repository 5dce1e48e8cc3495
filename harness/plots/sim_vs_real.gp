# The simulator against the real kernel: one point per policy and metric (medians), y = x line.
# Called by `scxlab compare` as: gnuplot -e "thrfile='...'; latfile='...'; outbase='...';
#   real='vm'" sim_vs_real.gp
# Data: real_value sim_value label. Both axes of a panel share one log range, so y = x is the
# diagonal and distance from it is the simulator's error factor.
set grid
set key bottom right noenhanced box opaque
set logscale xy
set size square
set format xy "10^{%T}"
stats thrfile using 1 nooutput name "TX"
stats thrfile using 2 nooutput name "TY"
stats latfile using 1 nooutput name "LX"
stats latfile using 2 nooutput name "LY"
tlo = (TX_min < TY_min ? TX_min : TY_min) / 3.0
thi = (TX_max > TY_max ? TX_max : TY_max) * 3.0
llo = (LX_min < LY_min ? LX_min : LY_min) / 3.0
lhi = (LX_max > LY_max ? LX_max : LY_max) * 3.0
plot_it = 'set multiplot layout 1,2 title sprintf("Simulator vs %s kernel (on the dashed line y = x they agree)", real); \
  set title "Throughput per stressor"; set xlabel sprintf("%s: bogo-ops/s", real); set ylabel "simulator: bogo-ops/s"; \
  set xrange [tlo:thi]; set yrange [tlo:thi]; \
  plot thrfile using 1:2 with points pt 7 ps 1.3 lc rgb "#1f77b4" title "policy x stressor", x with lines dt 2 lc rgb "#555555" title "y = x"; \
  set title "Wakeup latency p50 and p99"; set xlabel sprintf("%s: latency (us)", real); set ylabel "simulator: latency (us)"; \
  set xrange [llo:lhi]; set yrange [llo:lhi]; \
  plot latfile using 1:2 with points pt 5 ps 1.3 lc rgb "#d62728" title "policy x percentile", x with lines dt 2 lc rgb "#555555" title "y = x"; \
  unset multiplot'
set terminal pngcairo size 1200,620 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal pdfcairo size 9in,4.6in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
