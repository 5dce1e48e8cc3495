# Throughput (bogo-ops/s) per stressor, one bar per policy/target, error bars = min..max over runs.
# Called by `scxlab compare` as: gnuplot -e "datafile='...'; outbase='...'; job='...';
#   titles='A/sim B/vm ...'" throughput.gp
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
set style fill solid 0.8 border -1
set boxwidth 0.9
palette = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf #7f7f7f #bcbd22"
plot_it = 'plot for [i=1:n] datafile using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) lc rgb word(palette, (i-1)%10+1) title word(titles, i)'
set terminal pngcairo size 1100,650 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal pdfcairo size 7.5in,4.5in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
