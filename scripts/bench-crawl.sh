#!/usr/bin/env bash
# Crawl benchmark: pages per second and peak memory of `kaohe crawl` on the 50,000-page sample
# portal with politeness off (--rate 0), beside `wget --mirror` on the same site in the same run.
#
#   scripts/bench-crawl.sh [PAGES] [CONCURRENCY]      (defaults: 50000 8)
#   KAOHE=path/to/kaohe scripts/bench-crawl.sh        (use a built binary)
#
# Both crawlers obey robots.txt. wget knows no crawler traps, so it is told to skip the sample
# portal's infinite calendar (`--reject-regex 'ym='`); kaohe finds that trap itself. Needs
# /usr/bin/time and wget (apt-get install -y wget time).
set -euo pipefail

PAGES="${1:-50000}"
CONC="${2:-8}"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ -z "${KAOHE:-}" ]; then
  cargo build --release -q -p kaohe
  KAOHE="$CARGO_TARGET_DIR/release/kaohe"
fi

WORK="$(mktemp -d /tmp/kaohe-bench.XXXXXX)"
SERVER=""
stop_server() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT
# Each crawler gets a fresh server: the sample portal's flaky paths answer 5xx only on the
# first request of a server's life, and both crawlers must see the same site.
start_server() {
  stop_server
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$KAOHE" demo-site serve --addr "127.0.0.1:$PORT" --pages "$PAGES" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/robots.txt" 2>/dev/null && break
    sleep 0.1
  done
  URL="http://127.0.0.1:$PORT/"
}

rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$1"; }

start_server
echo "== kaohe crawl $URL --rate 0 --concurrency $CONC (sample portal, $PAGES pages)"
/usr/bin/time -v -o "$WORK/kaohe.time" "$KAOHE" crawl "$URL" --db "$WORK/bench.sqlite" \
  --rate 0 --concurrency "$CONC" >"$WORK/kaohe.out" 2>"$WORK/kaohe.err"
cat "$WORK/kaohe.out"
K_RECORDED="$(sed -n 's/.*本次记录 \([0-9]*\) 个网址.*/\1/p' "$WORK/kaohe.out")"
K_ROBOTS="$(sed -n 's/.*robots.txt 禁止 \([0-9]*\).*/\1/p' "$WORK/kaohe.out")"
K_FETCHED=$((K_RECORDED - K_ROBOTS))
K_WALL="$(wall_s "$WORK/kaohe.time")"
K_RSS="$(rss_mb "$WORK/kaohe.time")"
K_DB="$(du -sm "$WORK"/bench.sqlite* | awk '{s+=$1} END {print s}')"

start_server
echo "== wget --mirror $URL"
mkdir -p "$WORK/wget"
/usr/bin/time -v -o "$WORK/wget.time" wget --mirror --no-verbose --no-host-directories \
  --reject-regex 'ym=' --tries 2 --timeout 20 -P "$WORK/wget" "$URL" >"$WORK/wget.log" 2>&1 || true
W_FETCHED="$(grep -c ' URL:' "$WORK/wget.log" || true)"
W_ERRORS="$(grep -c 'ERROR' "$WORK/wget.log" || true)"
W_WALL="$(wall_s "$WORK/wget.time")"
W_RSS="$(rss_mb "$WORK/wget.time")"

echo
echo "                 requests   wall s   pages/s   peak RSS MB"
printf "kaohe crawl     %9s %8s %9.1f %13s   (+%s robots-disallowed links recorded, snapshot %s MB)\n" \
  "$K_FETCHED" "$K_WALL" "$(echo "$K_FETCHED / $K_WALL" | bc -l)" "$K_RSS" "$K_ROBOTS" "$K_DB"
printf "wget --mirror   %9s %8s %9.1f %13s   (+%s errors)\n" \
  "$((W_FETCHED + W_ERRORS))" "$W_WALL" "$(echo "($W_FETCHED + $W_ERRORS) / $W_WALL" | bc -l)" "$W_RSS" "$W_ERRORS"
