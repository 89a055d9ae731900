#!/usr/bin/env bash
# A/B of two host builds on one ingest shape, alternated round by round so that both see the same machine:
#   bench/ab.sh OLD_HOST_DLL NEW_HOST_DLL [ROUNDS]
# Each round starts a fresh embedded host of each build, warms it for $WARM seconds (default 15: past the incident
# cascade the flood itself raises on 1,000 series; WARM=3 measures through it), then measures $SECONDS_RUN seconds (10)
# of $SHAPE (default: batches of 100, 8 connections, 8 calls each, over 1,000 series). Quick-run ratios swing by a fifth
# from run to run on this machine; a change is judged on pairs like these, not on one bench run.
# To build the old side: git worktree add /tmp/ab-old REV && (cd /tmp/ab-old && dotnet build services/Outage.Host -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,8p "$0" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-3}
shape=${SHAPE:-batch --batch 100 --connections 8 --concurrency 8}
warm=${WARM:-15} secs=${SECONDS_RUN:-10}
for dll in "$old" "$new"; do [ -f "$dll" ] || { echo "ab.sh: $dll not found" >&2; exit 1; }; done
dotnet build bench/Outage.LoadGen -c Release -v q -nologo >/dev/null
loadgen="dotnet bench/Outage.LoadGen/bin/Release/net10.0/Outage.LoadGen.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "shape: $shape; warm-up ${warm} s, measured ${secs} s, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    dll=$old; [ "$side" = new ] && dll=$new
    grpc=$(free_port); http=$(free_port)
    Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Orleans__ClusterId="ab-$side-$$" \
      Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc" Kestrel__Endpoints__Http__Url="http://127.0.0.1:$http" \
      Logging__LogLevel__Default=Warning dotnet "$dll" > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && break; sleep 0.5; done
    # shellcheck disable=SC2086
    $loadgen ingest --server "http://127.0.0.1:$grpc" --seconds "$warm" --series 1000 --name warmup --shape $shape >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    result=$($loadgen ingest --server "http://127.0.0.1:$grpc" --seconds "$secs" --series 1000 --mode embedded --name "$side" --shape $shape 2>&1 | tr '\r' '\n' | grep -E '^(old|new):' | tail -1)
    echo "round $round $result"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  done
done
