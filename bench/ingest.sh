#!/usr/bin/env bash
# Ingest benchmark: `yibao-recon check` on a generated contributions CSV, against the floor —
# a plain csv-crate ByteRecord read of the same file — in the same run, runs interleaved.
#
#   bench/ingest.sh                 # 1,000,000 rows, UTF-8 and GBK, 5 runs each
#   ROWS=200000 RUNS=3 bench/ingest.sh
#
# Prints one line per file and tool: median wall time, rows/s, MB/s, peak RSS, and the
# share of the floor's speed that check reaches (floor time / check time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
DATA=bench/data
mkdir -p "$DATA"

cargo build --release --quiet --bin yibao-recon --example gen_rows --example raw_read
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/yibao-recon
RAW=$TARGET/release/examples/raw_read
GEN=$TARGET/release/examples/gen_rows
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench needs GNU time (apt-get install time)" >&2; exit 2; }

# One timed run: prints "seconds peak_kb".
run_once() {
  local start end rss
  start=$(date +%s%N)
  rss=$("$TIME" -f %M "$@" 2>&1 >/dev/null | tail -n 1)
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN { printf "%.3f %s\n", (e - s) / 1e9, r }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-28s %-14s %8s %12s %9s %10s %8s\n' file tool seconds rows/s MB/s peak_MB of_floor
for enc in utf8 gbk; do
  file="$DATA/contributions_${ROWS}_${enc}.csv"
  if [ ! -f "$file" ]; then
    flag=""; [ "$enc" = gbk ] && flag="--gbk"
    "$GEN" "$ROWS" "$file" $flag
  fi
  mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
  declare -A times=() rss=()
  tools=("floor:$RAW $file" "check-j1:$BIN check -q -j 1 $file" "check-j$(nproc):$BIN check -q -j $(nproc) $file")
  for ((i = 0; i < RUNS; i++)); do
    for t in "${tools[@]}"; do
      name=${t%%:*}; cmd=${t#*:}
      # check exits 1 when rows are rejected (the generator marks none bad); any other
      # status is a failure of the benchmark.
      read -r s k < <(run_once $cmd || true)
      times[$name]+="$s "$'\n'
      rss[$name]=$k
    done
  done
  floor=$(printf '%s' "${times[floor]}" | median)
  for t in "${tools[@]}"; do
    name=${t%%:*}
    med=$(printf '%s' "${times[$name]}" | median)
    awk -v f="$(basename "$file")" -v n="$name" -v s="$med" -v rows="$ROWS" -v mb="$mb" \
        -v k="${rss[$name]}" -v fl="$floor" \
        'BEGIN { printf "%-28s %-14s %8.3f %12.0f %9.1f %10.1f %7.0f%%\n", f, n, s, rows / s, mb / s, k / 1024, 100 * fl / s }'
  done
  unset times rss
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
