# measure NAME CMD: runs CMD (with sh -c; it redirects its own standard
# output) RUNS times and records in WALL, CPU and MEM the median wall time,
# CPU time (user + system) and peak memory (MiB) of the runs, from
# /usr/bin/time -v, in WMIN and WMAX the fastest and slowest wall, and NAME
# in NAMES; a run that fails stops with its standard error.
# same A B WHAT stops when the files A and B differ.
# Sourced by bench/run.sh, bench/onlynew.sh and bench/workbook.sh, which set
# OUT and RUNS; it installs GNU time (Debian's package time) if missing.
if [ ! -x /usr/bin/time ]; then
  apt-get install -y time >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y time >/dev/null)
fi
declare -A WALL CPU MEM WMIN WMAX
NAMES=()
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local name=$1 cmd=$2 walls=() cpus=() mems=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$OUT/time.txt" sh -c "$cmd" 2>"$OUT/stderr.txt" || { cat "$OUT/stderr.txt" >&2; return 1; }
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")")
    cpus+=("$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$OUT/time.txt")")
    mems+=("$(awk -F': ' '/Maximum resident/ {print $2/1024}' "$OUT/time.txt")")
  done
  NAMES+=("$name")
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | median)
  CPU[$name]=$(printf '%s\n' "${cpus[@]}" | median)
  MEM[$name]=$(printf '%s\n' "${mems[@]}" | median)
  WMIN[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
  WMAX[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
}
same() { cmp -s "$1" "$2" || { echo "$3: $2 differs from $1" >&2; exit 1; }; }
