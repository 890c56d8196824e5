#!/usr/bin/env bash
# Load measurement of "pushsim serve" as a load-test target (GitHub issue 18).
# Never run by go test: performance is measured from separate processes,
# and every figure is a ratio against a baseline measured in the same run.
#
#   (1) h2load, 4 connections x 100 streams over TLS, against
#       pushsim serve --synthetic 1000000 and two bare Go HTTP/2 handlers:
#       "const" answers 200 with a constant apns-id, "fresh" with a new
#       apns-id and apns-unique-id per request (what Apple's protocol asks
#       of any server). Once with one synthetic token, once with 1,000.
#       Targets: pushsim >= 0.8x const, >= 0.9x fresh.
#       Then the same against the fleet's simulated devices (every device
#       of serve's default fleet, iOS 7 to 18), which parse, lint, render
#       and log every push: reported, with the same targets for reference.
#   (2) apns2 -> fake -> device end to end: one apns2 client, 100 senders,
#       against pushsim and against the fresh handler. Target >= 0.85x.
#   (3) start-up time and RSS with 1,000,000 synthetic devices (< 200 MB);
#       RSS sampled through a soak at full rate (SOAK seconds; 0 skips).
#   (4) /api/v1/stats counted every request the script sent.
#
# Usage: loadtest/run.sh [--short]
#   N=requests per h2load run (default 20000), ROUNDS (default 3),
#   SOAK=seconds (default 0; the issue asks for 600), SAMPLE=serve's
#   --sample (default 0.001).
#   --short: CI's few-second version (N=2000, ROUNDS=1, SOAK=0), which
#   checks that everything runs and counts, not the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
ROUNDS=${ROUNDS:-3}
SOAK=${SOAK:-0}
E2E_N=${E2E_N:-10000}
SAMPLE=${SAMPLE:-0.001}
SHORT=0
if [ "${1:-}" = --short ]; then
  SHORT=1; N=2000; ROUNDS=1; SOAK=0; E2E_N=1000
  echo "loadtest --short: $N requests per run, one round: this checks that everything runs and counts; its ratios are noise, not measurements (run without --short for those)"
fi

for tool in h2load curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "loadtest: $tool not found (Debian: apt-get install nghttp2-client curl)" >&2
    exit 1
  fi
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/pushsim" ./cmd/pushsim
go build -o "$work/loadtest" ./loadtest
printf '{"aps":{"alert":{"title":"Load","body":"test"},"category":"INVITE"}}' >"$work/payload.json"
# The fleet's app registers "poll" (a backend sends the categories its app
# knows; an unknown one would add lint's did-you-mean search to each push).
printf '{"aps":{"alert":{"title":"Lunch","body":"At noon?"},"category":"poll"}}' >"$work/payload.fleet.json"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# cpu_ticks PID: user + system CPU time of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
# json FILE KEY: a top-level string of pushsim.json (no jq or python in
# Debian's base).
json() { sed -n "s/^  \"$2\": \"\(.*\)\",\{0,1\}$/\1/p" "$1"; }

# --- pushsim serve with a million synthetic devices -------------------------
state="$work/state"
t0=$(date +%s.%N)
"$work/pushsim" serve --state-dir "$state" --listen 127.0.0.1:0 --api 127.0.0.1:0 \
  --synthetic 1000000 --sample "$SAMPLE" --unregistered 0 >"$work/serve.out" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 300); do [ -s "$state/pushsim.json" ] && break; sleep 0.05; done
[ -s "$state/pushsim.json" ] || { cat "$work/serve.out" >&2; exit 1; }
api=$(json "$state/pushsim.json" api_url)
for _ in $(seq 100); do curl -sf "$api/api/v1/stats" >/dev/null && break; sleep 0.05; done
t1=$(date +%s.%N)
start_rss=$(rss_kb "$serve_pid")
awk -v a="$t0" -v b="$t1" -v r="$start_rss" \
  'BEGIN { printf "start: 1,000,000 synthetic devices ready in %.2f s, RSS %.1f MB (target: seconds, < 200 MB)\n", b - a, r / 1024 }'

url=$(json "$state/pushsim.json" apns_url)
auth=$("$work/loadtest" auth -state-dir "$state")
"$work/pushsim" tokens --state-dir "$state" --count 1000 >"$work/tokens"
head -1 "$work/tokens" >"$work/token1"
fleet_topic=com.pushsim.demo
"$work/loadtest" fleet-tokens -state-dir "$state" -topic "$fleet_topic" >"$work/fleet"
declare -A topic=([token1]=com.example.load [tokens]=com.example.load [fleet]=$fleet_topic)
declare -A body=([token1]=payload.json [tokens]=payload.json [fleet]=payload.fleet.json)

# --- the baselines ----------------------------------------------------------
for reply in const fresh; do
  "$work/loadtest" bare -reply "$reply" >"$work/$reply.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^URL=' "$work/$reply.out" 2>/dev/null && break; sleep 0.05; done
done
declare -A base pid
pid[pushsim]=$serve_pid
pid[const]=${pids[1]}
pid[fresh]=${pids[2]}
base[pushsim]=$url
base[const]=$(sed -n 's/^URL=//p' "$work/const.out")
base[fresh]=$(sed -n 's/^URL=//p' "$work/fresh.out")

sent=0
# load TARGET TOKENS: one h2load run; prints req/s; fails unless every
# request got 2xx.
load() {
  local uris="$work/uris.$1.$2" out ok c0
  sed "s#^#${base[$1]}/3/device/#" "$work/$2" >"$uris"
  c0=$(cpu_ticks "${pid[$1]}")
  out=$(h2load -n "$N" -c 4 -m 100 -H "authorization: $auth" \
    -H "apns-push-type: alert" -d "$work/${body[$2]}" -i "$uris" -H "apns-topic: ${topic[$2]}")
  ok=$(echo "$out" | awk '/^status codes:/ {print $3}')
  if [ "$ok" != "$N" ]; then
    echo "$out" >&2
    echo "loadtest: $1 with $2: $ok of $N requests got 2xx" >&2
    exit 1
  fi
  # The server's CPU time per request: what other tenants of a shared
  # machine disturb least (throughput swings with them).
  echo "$(($(cpu_ticks "${pid[$1]}") - c0)) $N" >>"$work/cpu.$1.$2"
  echo "$out" | awk '/^finished in/ {print $4}'
}
# cpu_us TARGET TOKENS: server CPU microseconds per request over the rounds.
cpu_us() { awk -v t="$tck" '{ c += $1; n += $2 } END { printf "%.1f", c / t * 1e6 / n }' "$work/cpu.$1.$2"; }

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Each round measures the three servers back to back, in a rotating order,
# so a burst of foreign load on a shared machine hurts no one alone; the
# median of the rounds' ratios is reported.
for toks in token1 tokens fleet; do
  for t in const fresh pushsim; do load "$t" "$toks" >/dev/null; rm -f "$work/cpu.$t.$toks"; done # warm-up
  sent=$((sent + N))
  rc=""; rf=""
  for round in $(seq "$ROUNDS"); do
    case $((round % 3)) in
      1) order="const fresh pushsim" ;; 2) order="fresh pushsim const" ;; *) order="pushsim const fresh" ;;
    esac
    declare -A r=()
    for t in $order; do r[$t]=$(load "$t" "$toks"); done
    sent=$((sent + N))
    echo "round $round ($toks): const ${r[const]} req/s, fresh ${r[fresh]} req/s, pushsim ${r[pushsim]} req/s"
    rc+="$(awk -v a="${r[const]}" -v b="${r[pushsim]}" 'BEGIN { printf "%.3f", b / a }') "
    rf+="$(awk -v a="${r[fresh]}" -v b="${r[pushsim]}" 'BEGIN { printf "%.3f", b / a }') "
  done
  case $toks in token1) what="1 token" ;; tokens) what="1,000 tokens" ;; *) what="$(wc -l <"$work/fleet") fleet devices" ;; esac
  echo "h2load 4x100 TLS, $what: pushsim/const per round $rc-> median $(echo "$rc" | median) (target >= 0.8); pushsim/fresh per round $rf-> median $(echo "$rf" | median) (target >= 0.9)"
  cc=$(cpu_us const "$toks"); cf=$(cpu_us fresh "$toks"); cp=$(cpu_us pushsim "$toks")
  awk -v a="$cc" -v b="$cf" -v p="$cp" -v w="$what" 'BEGIN { printf "server CPU per request, %s: const %.1f us, fresh %.1f us, pushsim %.1f us; pushsim/const when CPU-bound (const CPU / pushsim CPU) %.2f, pushsim/fresh %.2f\n", w, a, b, p, a / p, b / p }'
done

# --- apns2 end to end -------------------------------------------------------
# e2e TARGET: one apns2 run; prints req/s.
e2e() {
  local c0 out
  c0=$(cpu_ticks "${pid[$1]}")
  out=$("$work/loadtest" e2e -url "${base[$1]}" -state-dir "$state" -tokens "$work/tokens" -n "$E2E_N" -c 100)
  echo "$(($(cpu_ticks "${pid[$1]}") - c0)) $E2E_N" >>"$work/cpu.$1.e2e"
  echo "$out" | sed -n 's/.*REQS_PER_SEC=//p'
}
e2e fresh >/dev/null # warm-up
e2e pushsim >/dev/null
rm -f "$work/cpu.fresh.e2e" "$work/cpu.pushsim.e2e"
sent=$((sent + E2E_N))
re=""
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then b=$(e2e fresh); p=$(e2e pushsim); else p=$(e2e pushsim); b=$(e2e fresh); fi
  sent=$((sent + E2E_N))
  echo "round $round (apns2): fresh $b req/s, pushsim $p req/s"
  re+="$(awk -v a="$b" -v b="$p" 'BEGIN { printf "%.3f", b / a }') "
done
echo "apns2 -> fake -> device, 100 senders: pushsim/fresh per round $re-> median $(echo "$re" | median) (target >= 0.85)"
awk -v a="$(cpu_us fresh e2e)" -v p="$(cpu_us pushsim e2e)" 'BEGIN { printf "server CPU per request, apns2: fresh %.1f us, pushsim %.1f us; pushsim/fresh when CPU-bound %.2f\n", a, p, a / p }'

# --- metrics counted every request -----------------------------------------
counted=$(curl -sf "$api/api/v1/stats" | sed -n 's/^  "requests": \([0-9]*\),$/\1/p')
echo "metrics: /api/v1/stats counted $counted requests; the script sent $sent to pushsim"
if [ "$counted" != "$sent" ]; then
  echo "loadtest: metrics missed requests" >&2
  exit 1
fi
curl -sf "$api/metrics" | grep -q '^pushsim_requests_total{environment="development",reason="",status="200"}' ||
  { echo "loadtest: /metrics lacks pushsim_requests_total" >&2; exit 1; }

# --- soak ------------------------------------------------------------------
if [ "$SOAK" -gt 0 ]; then
  sed "s#^#$url/3/device/#" "$work/tokens" >"$work/uris.soak"
  h2load -D "$SOAK" -c 4 -m 100 -H "authorization: $auth" -H "apns-topic: com.example.load" \
    -H "apns-push-type: alert" -d "$work/payload.json" -i "$work/uris.soak" >"$work/soak.out" 2>&1 &
  soak_pid=$!
  samples=""
  while kill -0 "$soak_pid" 2>/dev/null; do
    samples+="$(rss_kb "$serve_pid") "
    sleep 10
  done
  wait "$soak_pid" || { cat "$work/soak.out" >&2; exit 1; }
  done_n=$(awk '/^requests:/ {print $8}' "$work/soak.out")
  events=$(curl -sf "$api/api/v1/stats" | sed -n 's/^    "events": \([0-9]*\),$/\1/p')
  echo "soak ${SOAK}s at full rate: $(awk '/^finished in/ {print $4}' "$work/soak.out") req/s, $done_n requests; the event log took $events events (it keeps the newest 10000)"
  echo "$samples" | tr ' ' '\n' | grep . | awk -v s="$start_rss" '
    { v[NR] = $1; if ($1 > mx) mx = $1 }
    END { q = int(NR / 4) + 1; printf "soak RSS MB: start %.1f, after the first quarter %.1f, end %.1f, max %.1f; end/first-quarter %.2f (flat ~1.0)\n", s / 1024, v[q] / 1024, v[NR] / 1024, mx / 1024, v[NR] / v[q] }'
fi
echo "RSS after everything: $(awk -v r="$(rss_kb "$serve_pid")" 'BEGIN { printf "%.1f", r / 1024 }') MB"

echo "loadtest: ok"
