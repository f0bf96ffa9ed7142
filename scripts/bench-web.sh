#!/usr/bin/env bash
# Benchmark of the workbench under load: requests per second and latency (p50 … p99) of the
# dashboard and the findings list of a run of a large portal, from wrk on loopback.
#
#   scripts/bench-web.sh [PAGES] [DB]     (default 50000 pages; DB: reuse a store that has a run)
#
# Builds the release binary; unless DB is given, serves the sample portal with PAGES pages,
# crawls and assesses it into a fresh SQLite file. Then makes an assessor account, starts
# `kaohe serve`, logs in with curl and runs wrk (2 threads, 32 connections, 15 s) on each page
# with the session cookie. Needs wrk (Debian package `wrk`). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-50000}
cargo build --release -p kaohe >/dev/null 2>&1
K=${KAOHE:-target/release/kaohe}
DIR=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "需要 wrk：apt-get install wrk"; exit 2; }

if [ -n "${2:-}" ]; then
  DB=$2
else
  DB="$DIR/bench.sqlite"
  PORT=18961
  "$K" demo-site serve --addr "127.0.0.1:$PORT" --pages "$PAGES" 2>/dev/null &
  SITE=$!
  sleep 1
  echo "== crawl ($PAGES pages)"
  "$K" crawl "http://127.0.0.1:$PORT/" --db "$DB" --rate 0 --concurrency 16 | grep -E "本次记录"
  kill "$SITE"; wait "$SITE" 2>/dev/null || true
  AS_OF=$("$K" demo-site truth --pages "$PAGES" | python3 -c 'import json,sys; print(json.load(sys.stdin)["as_of"])')
  "$K" assess --crawl 1 --db "$DB" --as-of "$AS_OF" | grep -E "^总分|^问题"
fi
RUN=$("$K" run list --db "$DB" | awk 'NR>2 {print $1}' | tail -1)
echo "bench password" | "$K" user add bench --role assessor --db "$DB" >/dev/null 2>&1 || true

"$K" serve --db "$DB" --addr 127.0.0.1:18962 >"$DIR/serve.log" 2>&1 &
sleep 1
curl -s -o /dev/null -c "$DIR/cookies" -d 'login=bench&password=bench+password' http://127.0.0.1:18962/login
COOKIE=$(awk '$6 == "kaohe_session" {print $6"="$7}' "$DIR/cookies")
FINDINGS=$(curl -s -H "Cookie: $COOKIE" "http://127.0.0.1:18962/runs/$RUN/findings" | grep -o '共 [0-9]* 条' || true)
echo "== run #$RUN: $FINDINGS"
for path in "/runs/$RUN" "/runs/$RUN/findings"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:18962$path")
  echo "== wrk $path (HTTP $code)"
  wrk -t2 -c32 -d15s --latency -H "Cookie: $COOKIE" "http://127.0.0.1:18962$path" \
    | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"
done
echo "== server memory"
ps -o rss= -p "$(pgrep -f "kaohe serve --db $DB" | head -1)" | awk '{printf "RSS %.0f MB\n", $1/1024}'
