#!/usr/bin/env bash
# Benchmark of `kaohe assess --crawl` (no network) on a stored crawl of the sample portal, and
# of `kaohe report --format all` on the run it stores.
#
#   scripts/bench-assess.sh [PAGES] [PORT]      (default 50000 pages, port 18960)
#
# Builds the release binary, serves the sample portal's previous version and crawls it, then
# its current version and crawls again (into one SQLite file, as an office's two rounds), and
# times `kaohe assess --crawl 2` with /usr/bin/time -v: wall time and peak resident memory.
# Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-50000}
PORT=${2:-18960}
cargo build --release -p kaohe >/dev/null 2>&1
K=${KAOHE:-target/release/kaohe}
DIR=$(mktemp -d)
DB="$DIR/bench.sqlite"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DIR"' EXIT

crawl_version() {
  "$K" demo-site serve --addr "127.0.0.1:$PORT" --pages "$PAGES" $1 2>/dev/null &
  local pid=$!
  sleep 1
  "$K" crawl "http://127.0.0.1:$PORT/" --db "$DB" --rate 0 --concurrency 16 | grep -E "本次记录"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "== crawl: previous version, then current version ($PAGES pages)"
crawl_version --previous
crawl_version ""
AS_OF=$("$K" demo-site truth --pages "$PAGES" | python3 -c 'import json,sys; print(json.load(sys.stdin)["as_of"])')
echo "== kaohe assess --crawl 2 --as-of $AS_OF"
/usr/bin/time -v "$K" assess --crawl 2 --db "$DB" --as-of "$AS_OF" >"$DIR/out.txt" 2>"$DIR/time.txt"
grep -E "^总分|^问题" "$DIR/out.txt"
grep -E "Elapsed|Maximum resident" "$DIR/time.txt"
"$K" demo-site truth --pages "$PAGES" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("标准答案总分", m["scores"]["total"], "问题", len(m["findings"]))'
echo "== kaohe report 1 --format all"
/usr/bin/time -v "$K" report 1 --db "$DB" --format all --out "$DIR/reports" >"$DIR/report.txt" 2>"$DIR/time.txt"
head -1 "$DIR/report.txt"
grep -E "Elapsed|Maximum resident" "$DIR/time.txt"
