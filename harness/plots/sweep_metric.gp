# A sweep: one metric against one knob, a panel per topology, a line per policy (median over
# the seeds, band: min..max), the default scheduler as a grey dashed reference line.
# Called by `scxlab merge` as: gnuplot -e "datafile='...'; outbase='...'; job='...'; knob='slice_ns';
#   ylabel='...'; logy=1; xtics_spec='(\"1ms\" 0, \"5ms\" 1)'; nx=2; panels='2cpu 8cpu-2llc';
#   firsts='0 3'; counts='3 3'; refs='12.5 NaN'; titles='...'; colors='...'; points='...'" sweep_metric.gp
# Data: a block per (panel, line) in that order, lines: x_index median min max.
# Restyle freely: this file is the plot.
np = words(panels)
set grid
set key top left noenhanced box opaque
set xlabel sprintf("%s", knob) noenhanced
set ylabel ylabel noenhanced
set xrange [-0.3:nx-0.7]
eval sprintf("set xtics %s", xtics_spec)
if (logy) { set logscale y }
set style fill transparent solid 0.18 noborder
panel = 'first = int(word(firsts, p)); cnt = int(word(counts, p)); ref = real(word(refs, p)); \
  set title sprintf("job %s, topology %s", job, word(panels, p)) noenhanced; \
  plot for [i=1:cnt] datafile index (first+i-1) using 1:3:4 with filledcurves lc rgb word(colors, i) notitle, \
       for [i=1:cnt] datafile index (first+i-1) using 1:2 with linespoints lw 2 ps 1.2 lc rgb word(colors, i) pt int(word(points, i)) title word(titles, i), \
       (ref == ref ? ref : NaN) with lines dt 2 lw 1.5 lc rgb "#777777" title "default scheduler"'
plot_it = 'set multiplot layout 1,np; do for [p=1:np] { eval panel }; unset multiplot'
w = 560 * np + 120
set terminal pngcairo size w,520 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size w,520 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size (w/100.0)*0.75,3.9 font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
