# Wakeup-latency CDF per policy, simulator (solid) and real kernel (dashed) overlaid.
# Called by `scxlab compare` as: gnuplot -e "datafile='...'; outbase='...'; job='...';
#   titles='A/sim B/vm ...'; colors='1 1 2 ...'; dashes='1 2 1 ...'" latency_cdf.gp
# Data: one block per policy/target (blank-line separated): latency_us cumulative_fraction.
# Restyle freely: this file is the plot.
n = words(titles)
set title sprintf("Wakeup latency CDF, job %s", job) noenhanced
set xlabel "wakeup latency (us, log scale)"
set ylabel "fraction of wakeups"
set logscale x
set yrange [0:1.02]
set grid
set key bottom right noenhanced
palette = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf"
plot_it = 'plot for [i=1:n] datafile index (i-1) using 1:2 with steps lw 2 lc rgb word(palette, int(word(colors, i))) dt int(word(dashes, i)) title word(titles, i)'
set terminal pngcairo size 1000,650 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal pdfcairo size 7in,4.5in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
