# Throughput (bogo-ops/s) per stressor, one bar per policy/target, error bars = min..max over
# runs; each policy in its own colour (harness/plots/plot_style.h).
# Called by `scxlab compare` as: gnuplot -e "datafile='...'; outbase='...'; job='...';
#   titles='A/sim B/vm ...'; colors='#0072B2 ...'" throughput.gp
# Data: stressor, then median min max for each policy/target in title order.
n = words(titles)
set title sprintf("Throughput per stressor, job %s (median, bars: min..max over runs)", job) noenhanced
set ylabel "bogo-ops per second (log scale)"
set xlabel "stressor"
set logscale y
set grid ytics
set key outside right top noenhanced
set style data histograms
set style histogram errorbars gap 2 lw 1
set boxwidth 0.9
plot_it = 'plot for [i=1:n] datafile using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) lc rgb word(colors, i) fs solid 0.85 border -1 title word(titles, i)'
set terminal pngcairo size 1100,650 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size 1100,650 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size 7.5in,4.5in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
