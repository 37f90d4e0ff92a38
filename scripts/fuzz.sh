#!/usr/bin/env bash
# Runs every fuzz target for a while (default 60s each):
#   bash scripts/fuzz.sh          # 60s per target
#   bash scripts/fuzz.sh 10m      # longer
# A failing input is written by go test under PKG/testdata/fuzz/TARGET/;
# commit it with the fix: `go test ./...` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-60s}
targets=(
  ./transform:FuzzScanner
  ./transform:FuzzScannerChunked
  ./transform:FuzzSource
  ./transform:FuzzRun
  ./transform:FuzzParseBatch
  ./mapping:FuzzCompile
  ./mapping:FuzzDirect
  ./mapping:FuzzIntCell
  ./mapping:FuzzFloatCell
  ./mapping:FuzzDecimalCell
  ./mapping:FuzzBoolCell
  ./mapping:FuzzNesting
  ./activity:FuzzParse
  ./activity:FuzzValidateLine
  ./activity:FuzzAppendJSONString
  ./internal/strftime:FuzzParse
)
for t in "${targets[@]}"; do
  pkg=${t%%:*} name=${t##*:}
  echo "== $name ($pkg) for $time"
  go test -run '^$' -fuzz "^$name\$" -fuzztime "$time" "$pkg"
done
