#!/usr/bin/env bash
# Measures csv2activity against its peers on a generated 1M-line export:
#   bash bench/run.sh            # 1,000,000 lines, median of 3 runs
#   LINES=200000 RUNS=5 bash bench/run.sh
#   LINES=200000 RUNS=1 PEERS=0 bash bench/run.sh   # quick: without Python and Miller
# It builds csv2activity and the hand-written Go baselines (bench/baseline,
# per line and -grouped), generates the export with bench/gen (as exported
# and shuffled), installs Miller from Debian's packages if missing, and
# prints two tables: each run's wall time (median, and the spread min–max
# of the runs), CPU time and peak memory (/usr/bin/time -v) with its ratio
# to the per-line baseline; then every target of the performance issue as
# a ratio, with its limit. Outputs are compared: csv2activity's per-line
# ndjson must be byte-identical to the baseline's, its grouped ndjson to the
# grouped baseline's, whatever the row order or the memory budget.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
PEERS=${PEERS:-1}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"

if [ "$PEERS" = 1 ] && ! command -v mlr >/dev/null; then
  echo "installing Miller (Debian package miller)" >&2
  (apt-get install -y miller >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y miller >/dev/null)) || echo "Miller could not be installed; skipping it" >&2
fi

go build -o "$OUT/csv2activity" .
go build -o "$OUT/baseline" ./bench/baseline
go build -o "$OUT/gen" ./bench/gen
[ -s "$OUT/sorted-$LINES.csv" ] || "$OUT/gen" -n "$LINES" -o "$OUT/sorted-$LINES.csv"
[ -s "$OUT/shuffled-$LINES.csv" ] || "$OUT/gen" -n "$LINES" -shuffle -o "$OUT/shuffled-$LINES.csv"
SORTED="$OUT/sorted-$LINES.csv" SHUFFLED="$OUT/shuffled-$LINES.csv"
# The same export as a till would write it: windows-1252, one accented name
# on its first line, so that the whole file is decoded.
CP1252="$OUT/cp1252-$LINES.csv"
[ -s "$CP1252" ] || LC_ALL=C sed $'2s/Customer /Custom\xe9r /' "$SORTED" > "$CP1252"
# The same export gzip'd, as exports often arrive: it must cost at most 1.15× the plain file's wall.
GZIPPED="$OUT/sorted-$LINES.csv.gz"
[ -s "$GZIPPED" ] || gzip -c "$SORTED" > "$GZIPPED"

# measure NAME CMD… runs CMD RUNS times and records the median wall, CPU and
# peak memory and the spread of the walls (bench/measure.sh).
source bench/measure.sh

C="$OUT/csv2activity" G=bench/grouped.yaml
BASE="baseline (Go, 1 thread)" GBASE="baseline grouped (Go, 1 thread)"
PL="csv2activity per-line" GS="csv2activity grouped, sorted" GST="csv2activity grouped, sorted, --sorted"
GSH="csv2activity grouped, shuffled, --max-memory 64MB" GDEF="csv2activity grouped, shuffled, default budget"
INIT="csv2activity init"
measure "$BASE" "$OUT/baseline < $SORTED > $OUT/baseline.ndjson"
measure "$PL" "$C convert -m bench/perline.yaml -o $OUT/perline.ndjson $SORTED"
same "$OUT/baseline.ndjson" "$OUT/perline.ndjson" "per-line"
GZ="csv2activity per-line, gzip'd"
measure "$GZ" "$C convert -m bench/perline.yaml -o $OUT/perline-gzip.ndjson $GZIPPED"
same "$OUT/perline.ndjson" "$OUT/perline-gzip.ndjson" "gzip'd"
measure "csv2activity per-line, windows-1252" "$C convert -m bench/perline.yaml -o $OUT/perline-cp1252.ndjson $CP1252"
measure "$GBASE" "$OUT/baseline -grouped < $SORTED > $OUT/baseline-grouped.ndjson"
measure "$GS" "$C convert -m $G -o $OUT/grouped-sorted.ndjson $SORTED"
same "$OUT/baseline-grouped.ndjson" "$OUT/grouped-sorted.ndjson" "grouped"
measure "$GST" "$C convert --sorted -m $G -o $OUT/grouped-streamed.ndjson $SORTED"
same "$OUT/baseline-grouped.ndjson" "$OUT/grouped-streamed.ndjson" "grouped --sorted"
measure "$GSH" "$C convert --max-memory 64MB -m $G -o $OUT/grouped-shuffled.ndjson $SHUFFLED"
measure "$GDEF" "$C convert -m $G -o $OUT/grouped-shuffled-default.ndjson $SHUFFLED"
same "$OUT/grouped-shuffled.ndjson" "$OUT/grouped-shuffled-default.ndjson" "grouped, shuffled"
measure "$INIT" "$C init $SORTED > $OUT/init.yaml"
[ "$PEERS" = 1 ] && measure "python csv+json" "python3 bench/perline.py < $SORTED > $OUT/python.ndjson"
if [ "$PEERS" = 1 ] && command -v mlr >/dev/null; then
  measure "miller (mlr put)" "mlr --icsv --ojsonl put '\$ts = strptime(\$[[3]], \"%Y-%m-%d\") * 1000; \$price = \$Sales / \$Quantity' $SORTED > $OUT/miller.ndjson"
fi
n200=$((LINES / 5))
head -n $((n200 + 1)) "$SORTED" > "$OUT/sorted-$n200.csv"
measure "csv2activity per-line, $n200 lines" "$C convert -m bench/perline.yaml -o $OUT/perline-small.ndjson $OUT/sorted-$n200.csv"

ratio() { echo "$1 / $2" | bc -l; }
base=${WALL[$BASE]}
echo
echo "$LINES order lines ($(du -m "$SORTED" | cut -f1) MB), median of $RUNS runs, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
printf '| %-52s | %8s | %13s | %8s | %9s | %8s |\n' "run" "wall s" "wall min-max" "CPU s" "peak MiB" "x base"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "----------" "---------------" "----------" "-----------" "----------"
for name in "${NAMES[@]}"; do
  printf '| %-52s | %8.2f | %6.2f-%-6.2f | %8.2f | %9.0f | %8.2f |\n' "$name" "${WALL[$name]}" "${WMIN[$name]}" "${WMAX[$name]}" \
    "${CPU[$name]}" "${MEM[$name]}" "$(ratio "${WALL[$name]}" "$base")"
done

# target WHAT VALUE LIMIT : one row of the targets table (VALUE ≤ LIMIT).
target() {
  local ok=yes
  [ "$(echo "$2 <= $3" | bc -l)" = 1 ] || ok=NO
  printf '| %-58s | %8.2f | %8.2f | %-3s |\n' "$1" "$2" "$3" "$ok"
}
echo
printf '| %-58s | %8s | %8s | %-3s |\n' "target (issue 13)" "measured" "limit" "ok"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "----------" "----------" "-----"
target "grouped, sorted: wall / per-line" "$(ratio "${WALL[$GS]}" "${WALL[$PL]}")" 1.6
target "grouped, sorted, --sorted: wall / per-line" "$(ratio "${WALL[$GST]}" "${WALL[$PL]}")" 1.4
target "grouped, sorted, --sorted: peak MiB" "${MEM[$GST]}" 64
target "grouped, shuffled, --max-memory 64MB: wall / sorted" "$(ratio "${WALL[$GSH]}" "${WALL[$GS]}")" 1.3
target "grouped, shuffled, --max-memory 64MB: peak MiB" "${MEM[$GSH]}" 128
target "grouped, shuffled, default budget: peak MiB (1.25x256+64)" "${MEM[$GDEF]}" 384
target "per-line: CPU / baseline" "$(ratio "${CPU[$PL]}" "${CPU[$BASE]}")" 1.4
target "per-line: wall / baseline" "$(ratio "${WALL[$PL]}" "$base")" 0.8
target "gzip'd (issue 15): wall / plain per-line" "$(ratio "${WALL[$GZ]}" "${WALL[$PL]}")" 1.15
target "init: wall / per-line convert" "$(ratio "${WALL[$INIT]}" "${WALL[$PL]}")" 2
echo
echo "grouped, sorted: wall / grouped baseline $(printf '%.2f' "$(ratio "${WALL[$GS]}" "${WALL[$GBASE]}")"), CPU / grouped baseline $(printf '%.2f' "$(ratio "${CPU[$GS]}" "${CPU[$GBASE]}")")"
