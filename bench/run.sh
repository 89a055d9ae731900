#!/usr/bin/env bash
# The benchmark suite, one command: bench/run.sh [--quick]
#  - ingest for each shape (unary, batch of 100, client stream of 1,000) against the product (embedded, and
#    Redis mode with the durable acknowledgement) and against the reference server (the same contract,
#    handlers that answer at once), in the same run, with the ratio;
#  - GetStatus latency under full ingest; end-to-end detection latency (surge -> Watch sees DISRUPTED) with
#    5-second buckets; memory per active series (10,000 and 100,000) and per new device; the host's memory
#    through a flood where every report comes from a new device;
#  - BenchmarkDotNet micro-benchmarks of the hot paths (validation, hashes, aggregator, detector step).
# Writes bench/results/latest.json (one object per measurement) and bench/results/latest.md.
# --quick: about 18 minutes (shorter runs, short BenchmarkDotNet jobs); the default takes about 32. About 12 minutes of
# either are the memory probe (embedded, then Redis) waiting for 100,000 quiet series to be collected.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=no
[ "${1:-}" = "--quick" ] && quick=yes
if [ $quick = yes ]; then secs=8; warm=3; flood=20; surges=10; bdn_job=short; else secs=20; warm=5; flood=60; surges=30; bdn_job=medium; fi

work=$(mktemp -d)
pids=()
redis_port=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$redis_port" ]; then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
step() { echo; echo "== $(date -u +%H:%M:%S) $*"; }

command -v redis-server >/dev/null || { echo "run.sh: redis-server is needed (apt-get install redis-server)" >&2; exit 1; }

step "build (Release)"
for p in services/Outage.Host bench/Outage.LoadGen bench/Outage.ReferenceServer bench/Outage.MemoryProbe bench/Outage.Host.Benchmarks bench/Outage.Detection.Benchmarks; do
  dotnet build "$p" -c Release -v q -nologo >/dev/null
done
host_dll=services/Outage.Host/bin/Release/net10.0/Outage.Host.dll
loadgen="dotnet bench/Outage.LoadGen/bin/Release/net10.0/Outage.LoadGen.dll"
results=$work/results.jsonl
: > "$results"

# start_host NAME [ENV=VALUE...]: a host process on free ports; sets $grpc and $host_pid.
start_host() {
  local name=$1; shift
  local http
  grpc=$(free_port); http=$(free_port)
  env "$@" Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Orleans__ClusterId="bench-$name-$$" \
    Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc" Kestrel__Endpoints__Http__Url="http://127.0.0.1:$http" \
    Logging__LogLevel__Default=Warning dotnet "$host_dll" > "$work/$name.log" 2>&1 &
  host_pid=$!
  pids+=("$host_pid")
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "run.sh: host $name did not become healthy:" >&2; tail -20 "$work/$name.log" >&2; exit 1
}
stop_host() { kill -TERM "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; }

# The shapes: unary calls, batches of 100, client streams of 1,000 reports; enough calls in flight to fill the server.
shapes=("unary --connections 8 --concurrency 16" "batch --batch 100 --connections 8 --concurrency 8" "stream --batch 1000 --connections 8 --concurrency 2")
# every_shape ADDRESS MODE: each shape against the reference server, then against the product at ADDRESS.
every_shape() {
  local address=$1 mode=$2 s args
  for s in "${shapes[@]}"; do
    read -r -a args <<< "--shape $s"
    ingest "http://127.0.0.1:$ref_port" reference "reference ${args[1]}" "${args[@]}"
    ingest "http://127.0.0.1:$address" "$mode" "$mode ${args[1]}" "${args[@]}"
  done
}
ingest() { # ingest ADDRESS MODE NAME SHAPE-ARGS...
  local address=$1 mode=$2 name=$3; shift 3
  # The warm-up runs in the measuring process: a fresh load generator's rate climbs for seconds as its code is compiled.
  $loadgen ingest --server "$address" --seconds "$secs" --warmup "$warm" --series 1000 --mode "$mode" --name "$name" --json "$results" "$@"
}

step "reference server"
ref_port=$(free_port)
dotnet bench/Outage.ReferenceServer/bin/Release/net10.0/Outage.ReferenceServer.dll --urls "http://127.0.0.1:$ref_port" > "$work/reference.log" 2>&1 &
ref_pid=$!; pids+=("$ref_pid")
sleep 3

step "ingest: embedded product vs reference, every shape"
start_host embedded
embedded=$grpc; embedded_pid=$host_pid
every_shape "$embedded" embedded

step "GetStatus latency under full batch ingest (embedded)"
# status_under_flood PORT MODE: a batch flood from one process and, once it is warm, GetStatus back to back from another
# (as an app asks: its answers do not wait behind the flood's continuations in the load generator's thread pool).
status_under_flood() {
  local port=$1 mode=$2 flood_pid
  $loadgen ingest --server "http://127.0.0.1:$port" --shape batch --batch 100 --connections 8 --concurrency 8 --series 1000 \
    --seconds "$secs" --warmup "$warm" --mode "$mode" --name "$mode batch flood under which GetStatus is timed" --json "$results" &
  flood_pid=$!
  sleep "$((warm + 1))"
  $loadgen status --server "http://127.0.0.1:$port" --seconds "$((secs - 2))" --series 1000 --mode "$mode" \
    --name "$mode GetStatus under the batch flood" --json "$results"
  wait "$flood_pid"
}
status_under_flood "$embedded" embedded
# The floor: the same probe against the reference server, whose GetStatus answers at once, under its own batch flood.
status_under_flood "$ref_port" reference

step "memory through a flood of new devices on one series ($flood s, embedded; host RSS every 2 s)"
rss() { awk '/VmRSS/ { print $2 * 1024 }' "/proc/$1/status"; }
rss_log=$work/rss.txt; : > "$rss_log"
( while kill -0 "$embedded_pid" 2>/dev/null; do echo "$(date +%s) $(rss "$embedded_pid")" >> "$rss_log"; sleep 2; done ) &
sampler=$!; pids+=("$sampler")
$loadgen ingest --server "http://127.0.0.1:$embedded" --shape batch --batch 100 --connections 8 --concurrency 8 --series 1 \
  --seconds "$flood" --mode embedded --name "embedded flood, one series, every report a new device" --json "$results"
kill "$sampler" 2>/dev/null || true
python3 - "$rss_log" "$results" <<'EOF'
import json, sys
samples = [int(l.split()[1]) for l in open(sys.argv[1]) if len(l.split()) == 2]
third = max(1, len(samples) // 3)
row = {"name": "host RSS through the flood", "shape": "memory", "mode": "embedded",
       "rss_first_third_max_bytes": max(samples[:third]), "rss_last_third_max_bytes": max(samples[-third:]), "rss_samples": len(samples)}
open(sys.argv[2], "a").write(json.dumps(row) + "\n")
print(f"host RSS: max {row['rss_first_third_max_bytes'] / 2**20:.0f} MiB in the first third, {row['rss_last_third_max_bytes'] / 2**20:.0f} MiB in the last")
EOF
stop_host "$embedded_pid"

step "detection latency: $surges surges, 5-second buckets, a Watch subscriber and a webhook receiver (embedded)"
# The webhook leg subscribes a loopback receiver (allowed here, refused by default) with the host's first-start admin key.
start_host detect Outage__Series__BucketWidth=00:00:05 Outage__Auth__AdminKeyFile="$work/admin-key.sha256" \
  Logging__LogLevel__Outage.Host.Security.AdminKeyBootstrap=Information \
  Outage__Notifications__AllowHttp=true Outage__Notifications__AllowedPrivateNetworks__0=127.0.0.0/8
admin_key=$(grep -o 'outage_admin_[A-Za-z0-9_-]\{43\}' "$work/detect.log" | head -1)
[ -n "$admin_key" ] || { echo "run.sh: the detect host printed no admin key" >&2; exit 1; }
$loadgen detect --server "http://127.0.0.1:$grpc" --surges "$surges" --surge-rate 2000 --name "surge -> Watch sees DISRUPTED" \
  --notify-key "$admin_key" --json "$results"
# The same under load: batches of 100 from 8 connections, closed loop, on 1,000 other series, for as long as the surges take.
# The surges themselves are sent open loop at their rate (many phones), so the flood cannot slow the surge it is timing.
$loadgen ingest --server "http://127.0.0.1:$grpc" --shape batch --batch 100 --connections 8 --concurrency 8 --series 1000 \
  --seconds 600 --name background > "$work/background.log" 2>&1 &
background=$!; pids+=("$background")
sleep 2
$loadgen detect --server "http://127.0.0.1:$grpc" --surges "$surges" --surge-rate 2000 --name "surge -> Watch sees DISRUPTED, under full batch ingest" \
  --notify-key "$admin_key" --json "$results" || true
kill "$background" 2>/dev/null || true
stop_host "$host_pid"

step "ingest: Redis mode (one silo, durable acknowledgement) vs reference, every shape"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" --daemonize yes >/dev/null
sleep 1
start_host redis ConnectionStrings__Redis="127.0.0.1:$redis_port" Outage__Series__DurableAcknowledgement=true
every_shape "$grpc" redis
stop_host "$host_pid"
stop_host "$ref_pid"

step "memory per active series, then after they went quiet (the host in process, 10,000 and 100,000 series; embedded)"
dotnet bench/Outage.MemoryProbe/bin/Release/net10.0/Outage.MemoryProbe.dll --json "$results"
step "the same with Redis (snapshots outside the heap)"
redis-cli -p "$redis_port" flushall >/dev/null
dotnet bench/Outage.MemoryProbe/bin/Release/net10.0/Outage.MemoryProbe.dll --json "$results" "127.0.0.1:$redis_port"

step "micro-benchmarks (BenchmarkDotNet, job $bdn_job)"
for b in Outage.Host.Benchmarks Outage.Detection.Benchmarks; do
  dotnet "bench/$b/bin/Release/net10.0/$b.dll" --filter '*' --job "$bdn_job" --exporters json --artifacts "$work/bdn" > "$work/$b.log" 2>&1 \
    || { echo "run.sh: $b failed:" >&2; tail -20 "$work/$b.log" >&2; exit 1; }
  grep -E '^\|' "$work/$b.log" || true
done

step "report: bench/results/latest.json, bench/results/latest.md"
mkdir -p bench/results
python3 bench/report.py "$results" "$work/bdn/results" "$quick" bench/results/latest.json bench/results/latest.md
cat bench/results/latest.md
