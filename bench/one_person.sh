#!/usr/bin/env bash
# One person with many statement rows (SPEC issue 28: "statement reading linear in rows"):
# N credits of one person spread over 12 months, reconciled by the CLI (--timings) and
# answered by the page (serve, curl), for N = 10k, 20k, 40k. Linear: each step doubles.
#
#   bench/one_person.sh            # prints a Markdown table
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin yibao-recon
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/yibao-recon
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; kill $SERVE 2>/dev/null || true' EXIT
python3 - "$DIR" <<'PY'
import random, sys
def chk(s):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
pid = chk("33010619800101001")
random.seed(1)
for n in (10000, 20000, 40000):
    rows = ["身份证号,交易时间,交易类型,发生金额"]
    for i in range(n):
        m, d = 1 + i % 12, 1 + (i // 12) % 28
        rows.append(f"{pid},2024-{m:02d}-{d:02d} {i % 24:02d}:{i % 60:02d}:00,101,{random.randint(1, 999)}.00")
    open(f"{sys.argv[1]}/credits_{n}.csv", "w").write("\n".join(rows) + "\n")
PY
PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVE=$!
sleep 1
echo "| rows | CLI match (s) | CLI total (s) | page answer (s) |"
echo "|---:|---:|---:|---:|"
for n in 10000 20000 40000; do
  f="$DIR/credits_$n.csv"
  start=$(date +%s%N)
  match=$( ("$BIN" reconcile "$f" -q --format csv,json -o "$DIR/out_$n" --timings 2>&1 || true) | sed -n 's/.*match=\([0-9.]*\)s.*/\1/p')
  end=$(date +%s%N)
  page=$(curl -s -o /dev/null -w '%{time_total}' -F "files=@$f" "http://127.0.0.1:$PORT/reconcile")
  awk -v n="$n" -v m="$match" -v s="$start" -v e="$end" -v p="$page" \
    'BEGIN { printf "| %d | %s | %.2f | %.2f |\n", n, m, (e - s) / 1e9, p }'
done
