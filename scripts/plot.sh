#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Draw what `make run` printed: scripts/plot.sh RUNLOG OUTDIR
#   OUTDIR/free-blocks.png  free blocks of each order after each workload step
#   OUTDIR/zone-map.png     every block of the zone by order and state
# from the "=== BEGIN timeline" and "=== BEGIN map" sections of RUNLOG,
# with gnuplot.
set -euo pipefail

log=$1
out=$2
mkdir -p "$out"

section() {	# section NAME: the lines between its BEGIN and END markers
	tr -d '\r' <"$log" | sed -n "/^=== BEGIN $1/,/^=== END $1/p" | sed '1d;$d'
}

section timeline | sed 's/^step/0/' >"$out/timeline.dat"
section map | grep -v '^#' >"$out/map.dat"
if [ ! -s "$out/timeline.dat" ] || [ ! -s "$out/map.dat" ]; then
	echo "plot.sh: no timeline or map in $log" >&2
	exit 1
fi
blocks=$(awk 'END { print $1 + 1 }' "$out/map.dat")

gnuplot <<GNUPLOT
set terminal pngcairo size 1000,560 font "sans,10"

set output "$out/free-blocks.png"
set title "Free blocks per order during the workload (/proc/toybuddyinfo)"
set xlabel "workload step (500 operations each)"
set ylabel "free blocks"
set key outside right
set grid
plot for [o=0:10] "$out/timeline.dat" using 1:(column(o + 2)) \
	with linespoints pointsize 0.6 title sprintf("order %d", o)

set output "$out/zone-map.png"
set title "Zone map after the workload: each rectangle is one buddy block"
set xlabel "page offset in the order-10 block"
set ylabel "order-10 block"
set xrange [0:1024]
set yrange [-0.5:$blocks - 0.5] reverse
set xtics 0,128,1024
set ytics 1
unset grid
set key off
set palette defined (0 "#fde725", 5 "#21918c", 10 "#440154")
set cbrange [0:10]
set cblabel "order of allocated blocks"
set style fill solid 1.0 border lc rgb "#202020"
plot "$out/map.dat" using (strcol(4) eq "free" ? \$2 + 2**\$3 / 2.0 : 1/0):1:(2**\$3 / 2.0):(0.42) \
	with boxxyerror lc rgb "#f0f0f0" title "free", \
     "$out/map.dat" using (strcol(4) eq "allocated" ? \$2 + 2**\$3 / 2.0 : 1/0):1:(2**\$3 / 2.0):(0.42):3 \
	with boxxyerror lc palette title "allocated"
GNUPLOT
echo "plot.sh: wrote $out/free-blocks.png and $out/zone-map.png"
