#!/usr/bin/env bash
# Load comparison for fakeapns (not run by go test):
#   (a) a bare Go HTTP/2 handler that answers 200,
#   (b) fakeapns with JWT auth, validation and routing,
# both driven by h2load with 4 connections x 100 streams, over TLS and h2c.
# Prints requests/s of each and the ratio b/a (target >= 0.8), and each
# server process's CPU time and heap allocations per request.
#
# Usage: fakeapns/loadtest/run.sh [requests per h2load run, default 100000]
# (ROUNDS=n sets the rounds; for a CPU profile of the fake, run
#  `go run ./fakeapns/loadtest -mode fake -cpuprofile fake.prof` and h2load by hand.)
set -euo pipefail

N=${1:-100000}
cd "$(dirname "$0")/../.."

if ! command -v h2load >/dev/null 2>&1; then
  echo "h2load not found: installing nghttp2-client" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y nghttp2-client >&2 || { apt-get update >&2 && apt-get install -y nghttp2-client >&2; }
  else
    sudo apt-get install -y nghttp2-client >&2
  fi
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/loadtest" ./fakeapns/loadtest
printf '{"aps":{"alert":{"title":"Load","body":"test"},"category":"INVITE"}}' >"$work/payload.json"

# start MODE: runs one server process and waits until it is ready.
start() {
  "$work/loadtest" -mode "$1" >"$work/$1.out" 2>"$work/$1.err" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q '^READY=1' "$work/$1.out" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$work/$1.err" >&2
  exit 1
}

# get MODE KEY: a KEY=VALUE line the server printed.
get() { sed -n "s/^$2=//p" "$work/$1.out"; }

# load MODE TRANSPORT: prints req/s; fails unless every request got 2xx.
load() {
  local url out ok
  url=$(get "$1" TLS_URL); [ "$2" = h2c ] && url=$(get "$1" H2C_URL)
  out=$(h2load -n "$N" -c 4 -m 100 \
    -H "authorization: $(get "$1" AUTH)" -H "apns-topic: $(get "$1" TOPIC)" -H "apns-push-type: alert" \
    -d "$work/payload.json" "$url/3/device/$(get "$1" TOKEN)")
  ok=$(echo "$out" | awk '/^status codes:/ {print $3}')
  if [ "$ok" != "$N" ]; then
    echo "$out" >&2
    echo "$1 $2: not every request succeeded ($ok 2xx of $N)" >&2
    exit 1
  fi
  echo "$out" | awk '/^finished in/ {print $4}'
}

start bare
start fake
# The machine may be shared: alternate the two servers (swapping which goes
# first each round), ROUNDS times, and keep each one's best, so that a burst
# of foreign load hurts neither alone.
ROUNDS=${ROUNDS:-5}
declare -A best ratios last
for tr in tls h2c; do
  load bare "$tr" >/dev/null # warm-up
  load fake "$tr" >/dev/null
  for round in $(seq "$ROUNDS"); do
    order="bare fake"; [ $((round % 2)) -eq 0 ] && order="fake bare"
    for mode in $order; do
      r=$(load "$mode" "$tr")
      echo "round $round $mode $tr: $r req/s"
      best[$mode.$tr]=$(awk -v a="${best[$mode.$tr]:-0}" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
      last[$mode]=$r
    done
    ratios[$tr]+="$(awk -v a="${last[bare]}" -v b="${last[fake]}" 'BEGIN { printf "%.3f", b / a }') "
  done
done
for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p" || true; done
pids=()
for mode in bare fake; do sed -n 's/^mode=/server: mode=/p' "$work/$mode.out"; done
cpu() { sed -n 's/.*cpu_us_per_request=\([0-9.]*\).*/\1/p' "$work/$1.out"; }
awk -v a="$(cpu bare)" -v b="$(cpu fake)" \
  'BEGIN { printf "server CPU per request (both transports): bare %.2f us, fake %.2f us, ratio bare/fake %.2f (the throughput ratio when CPU-bound)\n", a, b, a / b }'
for tr in tls h2c; do
  # The median of the rounds' ratios (each round measures both servers
  # back to back) resists foreign load better than the ratio of the bests.
  med=$(echo "${ratios[$tr]}" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
  awk -v a="${best[bare.$tr]}" -v b="${best[fake.$tr]}" -v t="$tr" -v m="$med" -v all="${ratios[$tr]}" \
    'BEGIN { printf "%s: best bare %.0f req/s, best fake %.0f req/s, ratio of bests %.2f; per-round ratios %s-> median %.2f (target >= 0.8)\n", t, a, b, b / a, all, m }'
done
