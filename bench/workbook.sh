#!/usr/bin/env bash
# Measures csv2activity on a generated Excel workbook of 1M order lines:
#   bash bench/workbook.sh                    # 1,000,000 rows, one run each
#   LINES=100000 RUNS=3 bash bench/workbook.sh
# It builds csv2activity, bench/gen and bench/xlsx, generates the export
# (bench/gen, as exported) and the same rows as a workbook (bench/xlsx:
# numbers as number cells, dates as date cells, written with excelize's
# StreamWriter), then converts with the per-line mapping the CSV export, the
# workbook from its file, from standard input (copied to a temporary file
# first) and gzip'd (decompressed to a temporary file first). Each
# workbook's ndjson must be byte-identical to the CSV's. It prints each
# run's wall time (median, spread), CPU time, peak memory (/usr/bin/time
# -v) and CPU per row, then the memory target: a workbook's peak stays
# within LIMIT MiB (64 by default) whatever its size, as a CSV export's does.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
RUNS=${RUNS:-1}
LIMIT=${LIMIT:-64}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"

go build -o "$OUT/csv2activity" .
go build -o "$OUT/gen" ./bench/gen
go build -o "$OUT/xlsx" ./bench/xlsx
SORTED="$OUT/sorted-$LINES.csv" BOOK="$OUT/sorted-$LINES.xlsx"
[ -s "$SORTED" ] || "$OUT/gen" -n "$LINES" -o "$SORTED"
[ -s "$BOOK" ] || "$OUT/xlsx" -o "$BOOK" "$SORTED"
[ -s "$BOOK.gz" ] || gzip -c "$BOOK" > "$BOOK.gz"

# measure NAME CMD… and same A B WHAT (bench/measure.sh).
source bench/measure.sh

C="$OUT/csv2activity" M=bench/perline.yaml
CSV="CSV export" FILE="workbook, from its file" STDIN="workbook, from standard input" GZ="workbook, gzip'd"
measure "$CSV" "$C convert -m $M -o $OUT/wb-csv.ndjson $SORTED"
measure "$FILE" "$C convert -m $M -o $OUT/wb-file.ndjson $BOOK"
same "$OUT/wb-csv.ndjson" "$OUT/wb-file.ndjson" "workbook"
measure "$STDIN" "$C convert -m $M -o $OUT/wb-stdin.ndjson - < $BOOK"
same "$OUT/wb-csv.ndjson" "$OUT/wb-stdin.ndjson" "workbook from standard input"
measure "$GZ" "$C convert -m $M -o $OUT/wb-gz.ndjson $BOOK.gz"
same "$OUT/wb-csv.ndjson" "$OUT/wb-gz.ndjson" "gzip'd workbook"

echo
echo "$LINES order lines: CSV $(du -m "$SORTED" | cut -f1) MB, workbook $(du -m "$BOOK" | cut -f1) MB ($(du -m "$BOOK.gz" | cut -f1) MB gzip'd); median of $RUNS runs, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
printf '| %-32s | %8s | %15s | %8s | %9s | %10s |\n' "run" "wall s" "wall min-max" "CPU s" "peak MiB" "CPU µs/row"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..34})" "----------" "-----------------" "----------" "-----------" "------------"
for name in "${NAMES[@]}"; do
  printf '| %-32s | %8.2f | %7.2f-%-7.2f | %8.2f | %9.0f | %10.1f |\n' "$name" "${WALL[$name]}" "${WMIN[$name]}" "${WMAX[$name]}" \
    "${CPU[$name]}" "${MEM[$name]}" "$(echo "${CPU[$name]} * 1000000 / $LINES" | bc -l)"
done
echo
ok=yes
for name in "$FILE" "$STDIN" "$GZ"; do
  [ "$(echo "${MEM[$name]} <= $LIMIT" | bc -l)" = 1 ] || ok=NO
done
echo "target: a workbook's peak memory within $LIMIT MiB, from a file, standard input or gzip'd: $ok"
