# Wakeup latency per policy: the CDF (log x) beside the CCDF on log-log axes, where the tails
# that differ between policies are visible. Simulator solid, real kernel dashed; each policy
# has its own colour and marker in every figure (harness/plots/plot_style.h).
# Called by `scxlab compare` as: gnuplot -e "datafile='...'; outbase='...'; job='...';
#   titles='A/sim B/vm ...'; colors='#0072B2 ...'; points='7 5 ...'; dashes='1 2 ...'" latency_cdf.gp
# Data: one block per policy/target (blank-line separated), lines:
#   latency_us_high cumulative_fraction latency_us_low fraction_at_or_above
# Restyle freely: this file is the plot.
n = words(titles)
set grid
set key noenhanced
set logscale x
set format x "10^{%T}"
set xlabel "wakeup latency (us)"
# each series: its steps, its markers on every 4th step, and a key entry showing both
series = 'for [i=1:n] datafile index (i-1) using (column(X)):(column(Y)) with steps lw 2 lc rgb word(colors, i) dt int(word(dashes, i)) notitle, \
  for [i=1:n] datafile index (i-1) using (column(X)):(column(Y)) every 4 with points ps 0.9 lc rgb word(colors, i) pt int(word(points, i)) notitle, \
  for [i=1:n] keyentry with linespoints lw 2 ps 0.9 lc rgb word(colors, i) pt int(word(points, i)) dt int(word(dashes, i)) title word(titles, i)'
cdf = 'set title sprintf("CDF, job %s", job) noenhanced; set key bottom right; unset logscale y; set format y "%g"; \
  set ylabel "fraction of wakeups"; set yrange [0:1.02]; X = 1; Y = 2; eval "plot ".series'
ccdf = 'set title sprintf("CCDF (tail), job %s", job) noenhanced; set key bottom left; set logscale y; set format y "10^{%T}"; \
  set ylabel "fraction of wakeups waiting at least x"; set yrange [*:1.5]; X = 3; Y = 4; eval "plot ".series'
plot_it = 'set multiplot layout 1,2; eval cdf; eval ccdf; unset multiplot'
set terminal pngcairo size 1400,600 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size 1400,600 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size 10in,4.3in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
