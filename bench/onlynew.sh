#!/usr/bin/env bash
# Measures what --only-new adds to import's conversion on the grouped export
# of bench/run.sh: import --dry-run (convert, check and cut into chunks, no
# network) against the same with --only-new, looking every order up in a
# journal of 10M keys of which the first half of the export's orders
# (an overlapping night) were already sent.
#   bash bench/onlynew.sh                 # 1,000,000 lines, median of 3 runs
#   LINES=200000 KEYS=2000000 bash bench/onlynew.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
KEYS=${KEYS:-10000000}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"

go build -o "$OUT/csv2activity" .
go build -o "$OUT/gen" ./bench/gen
go build -o "$OUT/journalfill" ./bench/journalfill
SORTED="$OUT/sorted-$LINES.csv"
[ -s "$SORTED" ] || "$OUT/gen" -n "$LINES" -o "$SORTED"
C="$OUT/csv2activity"
GROUPED="$OUT/grouped-sorted-$LINES.ndjson"
[ -s "$GROUPED" ] || "$C" convert -m bench/grouped.yaml -o "$GROUPED" "$SORTED" 2>/dev/null
JOURNAL="$OUT/journal-$LINES-$KEYS.db"
if [ ! -s "$JOURNAL" ]; then
  echo "filling a journal of $KEYS keys (once)" >&2
  "$OUT/journalfill" -ndjson "$GROUPED" -fraction 0.5 -total "$KEYS" -o "$JOURNAL"
fi

source bench/measure.sh # installs GNU time if missing

# Each run starts without a state file; exit 3 (refused activities) is not a failure.
IMPORT="rm -f $OUT/dry.state; $C import -m bench/grouped.yaml --datamart 1 --dry-run --state $OUT/dry.state --rejects $OUT/onlynew.rejects.ndjson"
measure "import --dry-run" "$IMPORT $SORTED >/dev/null; s=\$?; [ \$s = 0 ] || [ \$s = 3 ]"
measure "import --dry-run --only-new" "$IMPORT --only-new --journal $JOURNAL $SORTED >/dev/null; s=\$?; [ \$s = 0 ] || [ \$s = 3 ]"
grep -o 'only-new: .*' "$OUT/stderr.txt" >&2

base=${CPU["import --dry-run"]}
basew=${WALL["import --dry-run"]}
echo
echo "$LINES order lines ($(wc -l < "$GROUPED") orders), journal of $KEYS keys, median of $RUNS runs, $(nproc) cores"
echo
printf '| %-30s | %8s | %8s | %9s | %10s | %10s |\n' "run" "wall s" "CPU s" "peak MiB" "+ wall" "+ CPU"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..32})" "----------" "----------" "-----------" "------------" "------------"
for name in "import --dry-run" "import --dry-run --only-new"; do
  printf '| %-30s | %8.2f | %8.2f | %9.0f | %9.0f%% | %9.0f%% |\n' "$name" "${WALL[$name]}" "${CPU[$name]}" "${MEM[$name]}" \
    "$(echo "(${WALL[$name]} / $basew - 1) * 100" | bc -l)" "$(echo "(${CPU[$name]} / $base - 1) * 100" | bc -l)"
done
