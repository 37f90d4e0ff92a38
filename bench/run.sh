#!/usr/bin/env bash
# Measures csv2activity against its peers on a generated 1M-line export:
#   bash bench/run.sh            # 1,000,000 lines, median of 3 runs
#   LINES=200000 RUNS=5 bash bench/run.sh
# It builds csv2activity and the hand-written Go baseline (bench/baseline),
# generates the export with bench/gen (as exported and shuffled), installs
# Miller from Debian's packages if missing, and prints one table: wall time,
# CPU time and peak memory (/usr/bin/time -v) of each, with ratios to the
# baseline. Outputs are compared: csv2activity's per-line ndjson must be
# byte-identical to the baseline's.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"

if ! command -v mlr >/dev/null; then
  echo "installing Miller (Debian package miller)" >&2
  (apt-get install -y miller >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y miller >/dev/null)) || echo "Miller could not be installed; skipping it" >&2
fi
if [ ! -x /usr/bin/time ]; then
  apt-get install -y time >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y time >/dev/null)
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

# measure NAME CMD… : runs CMD RUNS times (stdin/stdout given in CMD via sh -c)
# and records the median wall, CPU and peak memory (bench/measure.sh).
source bench/measure.sh

C="$OUT/csv2activity"
measure "baseline (Go, 1 thread)" "$OUT/baseline < $SORTED > $OUT/baseline.ndjson"
measure "csv2activity per-line" "$C convert -m bench/perline.yaml -o $OUT/perline.ndjson $SORTED"
cmp -s "$OUT/baseline.ndjson" "$OUT/perline.ndjson" || { echo "per-line output differs from the baseline's" >&2; exit 1; }
measure "csv2activity per-line, gzip'd" "$C convert -m bench/perline.yaml -o $OUT/perline-gzip.ndjson $GZIPPED"
cmp -s "$OUT/perline.ndjson" "$OUT/perline-gzip.ndjson" || { echo "gzip'd output differs from the plain file's" >&2; exit 1; }
measure "csv2activity per-line, windows-1252" "$C convert -m bench/perline.yaml -o $OUT/perline-cp1252.ndjson $CP1252"
measure "csv2activity grouped, sorted" "$C convert -m bench/grouped.yaml -o $OUT/grouped-sorted.ndjson $SORTED"
measure "csv2activity grouped, sorted, --sorted" "$C convert --sorted -m bench/grouped.yaml -o $OUT/grouped-streamed.ndjson $SORTED"
cmp -s "$OUT/grouped-sorted.ndjson" "$OUT/grouped-streamed.ndjson" || { echo "--sorted output differs" >&2; exit 1; }
measure "csv2activity grouped, shuffled, --max-memory 64MB" "$C convert --max-memory 64MB -m bench/grouped.yaml -o $OUT/grouped-shuffled.ndjson $SHUFFLED"
measure "python csv+json" "python3 bench/perline.py < $SORTED > $OUT/python.ndjson"
if command -v mlr >/dev/null; then
  measure "miller (mlr put)" "mlr --icsv --ojsonl put '\$ts = strptime(\$[[3]], \"%Y-%m-%d\") * 1000; \$price = \$Sales / \$Quantity' $SORTED > $OUT/miller.ndjson"
fi
n200=$((LINES / 5))
head -n $((n200 + 1)) "$SORTED" > "$OUT/sorted-$n200.csv"
measure "csv2activity per-line, $n200 lines" "$C convert -m bench/perline.yaml -o $OUT/perline-small.ndjson $OUT/sorted-$n200.csv"

base=${WALL["baseline (Go, 1 thread)"]}
echo
echo "$LINES order lines ($(du -m "$SORTED" | cut -f1) MB), median of $RUNS runs, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
printf '| %-52s | %8s | %8s | %9s | %8s |\n' "run" "wall s" "CPU s" "peak MiB" "× base"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "----------" "----------" "-----------" "----------"
for name in "baseline (Go, 1 thread)" "csv2activity per-line" "csv2activity per-line, $n200 lines" "csv2activity per-line, gzip'd" "csv2activity per-line, windows-1252" "csv2activity grouped, sorted" "csv2activity grouped, sorted, --sorted" "csv2activity grouped, shuffled, --max-memory 64MB" "python csv+json" "miller (mlr put)"; do
  [ -n "${WALL[$name]:-}" ] || continue
  printf '| %-52s | %8.2f | %8.2f | %9.0f | %8.2f |\n' "$name" "${WALL[$name]}" "${CPU[$name]}" "${MEM[$name]}" "$(echo "${WALL[$name]} / $base" | bc -l)"
done
echo
echo "gzip'd / plain wall: $(echo "${WALL["csv2activity per-line, gzip'd"]} / ${WALL["csv2activity per-line"]}" | bc -l | cut -c1-5) (at most 1.15)"
