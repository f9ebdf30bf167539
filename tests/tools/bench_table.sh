#!/bin/sh
# Prints the summary table of `make bench`: one row per `TABLE|row|now|baseline|goal|met` line
# that the benchmarks printed into the log file $1 (each measured next to its baseline in the
# same run; see tests/bench/). Rows keep the order in which they were printed.
set -eu
log=${1:?usage: bench_table.sh LOG}
printf '\n== summary (every figure next to its baseline from the same run) ==\n'
printf '| figure | now | baseline, same run | goal | met |\n|---|---|---|---|---|\n'
grep -a '^TABLE|' "$log" | while IFS='|' read -r _ row now base goal met; do
  printf '| %s | %s | %s | %s | %s |\n' "$row" "$now" "$base" "$goal" "$met"
done
missing=$(grep -ac '^TABLE|' "$log" || true)
[ "$missing" -gt 0 ] || echo "(no benchmark printed a TABLE line)"
