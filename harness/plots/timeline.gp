# Per-CPU timeline of a short window of a simulated run: a bar per slice a task ran, a row per
# CPU, a colour per task name for the busiest names, grey for all the others.
# Called by `scxlab compare` and `scxlab timeline` as: gnuplot -e "datafile='...'; outbase='...';
#   titles='a b other(3_names)'; what='policy on job, 1.00-1.02 ms'; ncpu=8; nnamed=2" timeline.gp
# Data: a block per named task (index i), then one for the others; lines: cpu start_us end_us.
n = words(titles)
set title sprintf("Per-CPU timeline, %s (simulated)", what) noenhanced
set xlabel "time (ms)"
set ylabel "CPU"
if (ncpu <= 16) { set ytics 1 }
set yrange [-0.6:ncpu-0.4]
set grid xtics
set autoscale xfix
set key outside right top noenhanced title "task"
# a thin white edge keeps back-to-back slices of one task apart
set style fill solid 0.9 border lc rgb "#ffffff"
palette = "#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #999933"
color(i) = i <= nnamed ? word(palette, (i-1)%8+1) : "#BBBBBB"
plot_it = 'plot for [i=1:n] datafile index (i-1) using (($2+$3)/2000.0):1:(($3-$2)/2000.0):(0.38) with boxxyerror lc rgb color(i) title word(titles, i)'
set terminal pngcairo size 1200,600 font "sans,11"
set output outbase.".png"
eval plot_it
set terminal svg size 1200,600 fixed font "sans,11" background "#ffffff"
set output outbase.".svg"
eval plot_it
set terminal pdfcairo size 9in,4.5in font "sans,9"
set output outbase.".pdf"
eval plot_it
set output
