#!/usr/bin/env bash
# Scale benchmark: the tool against the floor and an analyst's DuckDB and polars peers, on the same files, in
# one run on one machine.
#
#   bench/scale.sh                       # 10k, 100k and 1M people × 36 months, 5 runs each
#                                        # (3 at 1M people and up)
#   SIZES="10000 100000" RUNS=1 bench/scale.sh
#
# For each size N (people) × MONTHS, generated once into bench/data/ by examples/gen_bench
# (≥10 file pairs, 60% UTF-8 CSV, 30% GBK CSV, 10% XLSX; CSV only from 1M people up):
#   floor    examples/raw_read: csv-crate ByteRecord read of every CSV (calamine cell grid
#            for the workbooks), one thread, nothing parsed
#   tool-j1  yibao-recon reconcile -j 1 --format csv,json, phases from --timings
#   tool-jN  the same on all cores
#   convert  ../shared/peer/convert.py: GBK and XLSX to UTF-8 CSV, which the peers need offline
#   duckdb   the analyst's peer in DuckDB (../shared/peer/peer_duckdb.py) on all cores
#   polars   the analyst's peer in polars (../shared/peer/peer_polars.py) on all cores
#            (both written independently of this project; conversion not included)
# Runs are interleaved, each after reading its inputs into the page cache and emptying
# its output folder (both untimed);
# each figure is the median of RUNS (peak RSS: the median run's); the last column lists
# every run's seconds, sorted, so that the VM's noise shows beside the median.
# A run that would not fit in memory (estimated from the per-person-month peaks measured
# at 100k: tool ~0.3 KB, reckoned at 0.4; the peers ~1 KB, reckoned at 1.3) is skipped
# and says so.
# Prints a Markdown table and writes it to bench/out/scale.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000 1000000"}
MONTHS=${MONTHS:-36}
RUNS=${RUNS:-} # empty: 5 below 1M people, 3 from there (a 1M run takes minutes)
JOBS=$(nproc)
AS_OF=2025-09-30 # the generated data runs from 2022-09; credits are due up to here
DATA=bench/data
OUT=bench/out
mkdir -p "$DATA" "$OUT"

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench needs GNU time (apt-get install time)" >&2; exit 2; }
PEER=${PEER:-../shared/peer}
[ -f "$PEER/peer_duckdb.py" ] || { echo "bench needs the analyst's peer in $PEER" >&2; exit 2; }
python3 -c 'import duckdb, polars, python_calamine' 2>/dev/null ||
  python3 -m pip install --quiet 'duckdb==2.0.1' polars python-calamine
cargo build --release --quiet --bin yibao-recon --example gen_bench --example raw_read
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/yibao-recon
RAW=$TARGET/release/examples/raw_read
GEN=$TARGET/release/examples/gen_bench

# One timed run of "$@": prints "seconds peak_kb"; stderr goes to $ERR.
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT
run_once() {
  local start end rss
  start=$(date +%s%N)
  "$TIME" -f '%M' -o "$ERR.rss" "$@" >/dev/null 2>"$ERR" || true
  end=$(date +%s%N)
  rss=$(tail -n 1 "$ERR.rss")
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN { printf "%.3f %s\n", (e - s) / 1e9, r }'
}
median() { sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

table="$OUT/scale.md"
{
  echo "| set | input MB (CSV MB) | rows | run | seconds | read | normalise | match | write | rows/s | MB/s | peak RSS MB | RSS ÷ CSV | floor ÷ run | run ÷ duckdb | each run (s) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$table"

for people in $SIZES; do
  set_name="scale_${people}x${MONTHS}"
  dir="$DATA/$set_name"
  if [ ! -d "$dir" ]; then
    csv_only=""
    [ "$people" -ge 1000000 ] && csv_only="7 csv"
    "$GEN" "$people" "$MONTHS" "$dir" $csv_only >&2
  fi
  files=("$dir"/*)
  input_bytes=$(du -cb "${files[@]}" | tail -n 1 | cut -f1)
  csv_bytes=$(du -cb "$dir"/*.csv | tail -n 1 | cut -f1)

  rows=$("$RAW" "${files[@]}" | awk '{ print $2 }')
  declare -A secs=() rss=() phases=()
  available_kb=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
  fits() { awk -v n="$((people * MONTHS))" -v per="$1" -v a="$available_kb" 'BEGIN { exit !(n * per < 0.9 * a) }'; }
  runs=(floor)
  skipped=()
  for run in tool-j1 "tool-j$JOBS" duckdb polars; do
    per=0.4; case $run in duckdb | polars) per=1.3 ;; esac
    if fits "$per"; then runs+=("$run"); else skipped+=("$run:$(awk -v n="$((people * MONTHS))" -v per="$per" 'BEGIN { printf "%.0f", n * per / 1048576 }')"); fi
  done
  # The peer's input: converted once; the conversion is timed on its own.
  utf8="$DATA/${set_name}_utf8"
  extra=()
  if [[ " ${runs[*]} " == *" duckdb "* || " ${runs[*]} " == *" polars "* ]]; then
    rm -rf "$utf8"
    read -r convert_s convert_kb < <(run_once python3 "$PEER/convert.py" "$dir" "$utf8")
    extra=(convert)
  fi
  repeats=${RUNS:-$([ "$people" -ge 1000000 ] && echo 3 || echo 5)}
  for ((i = 0; i < repeats; i++)); do
    for run in "${runs[@]}"; do
      case $run in
        floor) cmd=("$RAW" "${files[@]}") ;;
        tool-j*) cmd=("$BIN" reconcile "$dir" --policy samples/policy.toml --as-of "$AS_OF"
                     -q --timings --format csv,json -j "${run#tool-j}" -o "$OUT/$set_name-$run") ;;
        duckdb) cmd=(python3 "$PEER/peer_duckdb.py" "$utf8" "$OUT/$set_name-$run" "${AS_OF%-*}" "$JOBS") ;;
        polars) cmd=(python3 "$PEER/peer_polars.py" "$utf8" "$OUT/$set_name-$run" "${AS_OF%-*}" "$JOBS") ;;
      esac
      # Inputs read into the page cache first, untimed: this VM drops its cache now and
      # then, and a run that met a cold cache would be timing the disk.
      case $run in duckdb | polars) cat "$utf8"/* >/dev/null ;; *) cat "${files[@]}" >/dev/null ;; esac
      # Each run writes into an empty folder, also untimed: replacing the last run's files
      # (half a GB at 100k) cost this ext4, mounted with discard, 0.2-0.3 s that belong to
      # the file system rather than to the run.
      [ "$run" = floor ] || rm -rf "$OUT/$set_name-$run"
      read -r s k < <(run_once "${cmd[@]}")
      t=$(grep -o 'timings: .*' "$ERR" | sed 's/timings: //; s/[a-z]*=//g; s/s\b//g' || true)
      secs[$run]+="$s $k ${t:-- - - -}"$'\n'
    done
  done
  floor_s=$(printf '%s' "${secs[floor]}" | median | awk '{ print $1 }')
  peer_s=$(printf '%s' "${secs[duckdb]:-}" | median | awk '{ print $1 }')
  for run in "${runs[@]}" "${extra[@]}"; do
    if [ "$run" = convert ]; then
      line="$convert_s $convert_kb - - - -"
      each=$(printf "%.2f" "$convert_s")
    else
      line=$(printf '%s' "${secs[$run]}" | median)
      each=$(printf '%s' "${secs[$run]}" | awk '{ print $1 }' | sort -n | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }')
    fi
    read -r s k r n m w <<<"$line"
    awk -v set="$people×$MONTHS" -v in_mb="$(mb "$input_bytes")" -v csv_mb="$(mb "$csv_bytes")" \
        -v rows="$rows" -v run="$run" -v s="$s" -v k="$k" -v r="$r" -v n="$n" -v m="$m" -v w="$w" \
        -v fl="$floor_s" -v peer="$peer_s" -v csv_b="$csv_bytes" -v in_b="$input_bytes" -v each="$each" '
      BEGIN {
        printf "| %s | %s (%s) | %d | %s | %.2f | %s | %s | %s | %s | %.0f | %.1f | %.0f | %.1f | %s | %s | %s |\n",
          set, in_mb, csv_mb, rows, run, s, r, n, m, w, rows / s, in_b / 1048576 / s, k / 1024,
          k * 1024 / csv_b,
          (run ~ /^tool/ ? sprintf("%.2f", fl / s) : "-"),
          (peer > 0 && (run ~ /^tool/ || run == "floor") ? sprintf("%.2f", s / peer) : "-"), each
      }' >>"$table"
  done
  for s in "${skipped[@]}"; do
    echo "| $people×$MONTHS | $(mb "$input_bytes") ($(mb "$csv_bytes")) | $rows | ${s%%:*} | skipped: needs ~${s#*:} GB, $((available_kb / 1048576)) GB available | | | | | | | | | | | |" >>"$table"
  done
  unset secs rss phases
done

{
  echo
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d); yibao-recon $(git rev-parse --short HEAD); duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'), polars $(python3 -c 'import polars; print(polars.__version__)')"
} >>"$table"
cat "$table"
