# Plots bench/spike's per-second CSV: rates on top, p99 latency below.
# gnuplot -e "csv='...'; png='...'" bench/spike.gnuplot
set terminal pngcairo size 1000,700 font ",10"
set output png
set datafile separator ","
set key autotitle columnhead top left
set multiplot layout 2,1 title "Doorbuster spike: 90% reads, 10% purchases of 10 hot SKUs"
set ylabel "requests/s"
set grid
plot csv using 1:2 with lines lw 2 title "offered", \
     csv using 1:3 with lines lw 2 title "answered", \
     csv using 1:($10+$11) with lines title "429 + 503"
set ylabel "p99 latency (ms)"
set xlabel "seconds"
set logscale y
plot csv using 1:5 with lines lw 2 title "read p99", \
     csv using 1:7 with lines lw 2 title "purchase p99"
unset multiplot
