# SPDX-License-Identifier: MIT OR Apache-2.0
# Time and peak RSS against size, one column per circuit (called by bench/sweep.sh with
# dir, circuits, tools and cpu set; reads <dir>/<circuit>.<tool>.dat: power, median s, peak RSS MiB).
set terminal pngcairo size 1400,900 font ",10"
set output dir.'/sweep.png'
nc = words(circuits)
set multiplot layout 2, nc title 'Groth16 prove, 2 threads: '.cpu
set grid
set key top left
set logscale y
set xlabel 'constraints (log2)'
do for [i=1:nc] {
  circ = word(circuits, i)
  set title sprintf('%s: median wall time', circ)
  set ylabel 's'
  plot for [t in tools] sprintf('%s/%s.%s.dat', dir, circ, t) using 1:2 with linespoints title t
}
do for [i=1:nc] {
  circ = word(circuits, i)
  set title sprintf('%s: peak RSS', circ)
  set ylabel 'MiB'
  plot for [t in tools] sprintf('%s/%s.%s.dat', dir, circ, t) using 1:3 with linespoints title t
}
unset multiplot
