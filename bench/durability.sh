#!/usr/bin/env bash
# Redis production mode, measured: reports/s through an edge in front of three silos, with and without
# the durable acknowledgement, in one run; then Redis bytes per series. Needs redis-server.
# Usage: bench/durability.sh [seconds-per-measurement]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; redis-cli -p "$redis_port" shutdown nosave >/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== build (Release)"
dotnet build services/Outage.Host -c Release -v q -nologo >/dev/null
dotnet build bench/Outage.LoadGen -c Release -v q -nologo >/dev/null
host=services/Outage.Host/bin/Release/net10.0/Outage.Host.dll
loadgen=bench/Outage.LoadGen/bin/Release/net10.0/Outage.LoadGen.dll

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" --daemonize yes >/dev/null
sleep 1

start_cluster() { # $1 = durable (true/false), $2 = cluster id; sets edge to the edge's gRPC port
  local durable=$1 cluster=$2
  for role in silo silo silo edge; do
    local grpc http
    grpc=$(free_port); http=$(free_port)
    ConnectionStrings__Redis=127.0.0.1:$redis_port Orleans__ClusterId=$cluster Outage__Role=$role \
      Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
      Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:$grpc Kestrel__Endpoints__Http__Url=http://127.0.0.1:$http \
      Outage__Series__DurableAcknowledgement=$durable Logging__LogLevel__Default=Warning \
      dotnet "$host" > "$work/$role-$grpc.log" 2>&1 &
    pids+=($!)
    local ready=no
    for _ in $(seq 1 180); do if curl -sf "http://127.0.0.1:$http/healthz" >/dev/null; then ready=yes; break; fi; sleep 0.5; done
    if [ $ready != yes ]; then echo "durability.sh: $role on $grpc did not become healthy; log:" >&2; tail -20 "$work/$role-$grpc.log" >&2; exit 1; fi
    if [ "$role" = edge ]; then edge=$grpc; fi
  done
}

stop_cluster() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done; pids=(); }

results=$work/results.jsonl
for durable in true false; do
  echo "== cluster: 3 silos + edge on Redis, DurableAcknowledgement=$durable"
  start_cluster "$durable" "bench-$durable"
  # Warm-up: the edge finds the silos and the grains activate; failed calls are expected at first.
  dotnet "$loadgen" ingest --server "http://127.0.0.1:$edge" --seconds 15 --name warmup >/dev/null || true
  dotnet "$loadgen" ingest --server "http://127.0.0.1:$edge" --seconds "$seconds" --connections 8 --batch 100 --series 50 \
    --name "redis, durable=$durable" --json "$results"
  stop_cluster
done

echo "== Redis bytes per series (MEMORY USAGE of each series state key)"
keys=$(redis-cli -p "$redis_port" --scan --pattern '*series*' | grep -c . || true)
total=0
for k in $(redis-cli -p "$redis_port" --scan --pattern '*series*'); do
  b=$(redis-cli -p "$redis_port" memory usage "$k"); total=$((total + b))
done
echo "series keys: $keys, total $total bytes, mean $((total / (keys > 0 ? keys : 1))) bytes per series"
echo "== results"
cat "$results"
