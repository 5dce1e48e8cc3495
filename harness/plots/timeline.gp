# Per-CPU timeline of a short window of a simulated run: a bar per slice a task ran, a row per
# CPU, a colour per task name. Called by `scxlab compare` (or by hand on `scxlab run
# --timeline FILE` output) as: gnuplot -e "datafile='...'; outbase='...'; titles='a b ...';
#   what='policy on job'; ncpu=8; t0=1000" timeline.gp
# Data: blocks per task name (index i), lines: cpu start_us end_us pid comm class.
n = words(titles)
set title sprintf("Per-CPU timeline, %s (simulated)", what) noenhanced
set xlabel "time since the window began (ms)"
set ylabel "CPU"
set ytics 1
set yrange [-0.6:ncpu-0.4]
set grid xtics
set autoscale xfix
set key outside right top noenhanced title "task"
set style fill solid 0.9 noborder
palette = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf #7f7f7f #bcbd22"
plot_it = 'plot for [i=1:n] datafile index (i-1) using (($2+$3)/2000.0-t0):1:(($3-$2)/2000.0):(0.38) with boxxyerror lc rgb word(palette, (i-1)%10+1) title word(titles, i)'
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
