#!/usr/bin/env bash
# A sharded run on one machine, started the way a Kubernetes Indexed Job starts it (docs/distributed.md):
# one reference agent, N shard processes with the Job's environment (CHORUS_SHARD_COUNT, JOB_COMPLETION_INDEX,
# CHORUS_RUN_ID, CHORUS_START_AT, CHORUS_RESULTS_DIR), a shared results directory and a common start instant a
# few seconds ahead; then `chorus merge` and the merged run's report.
#
# Usage: Scripts/distributed-demo.sh [SHARDS] [CALLERS]   (defaults 3 and 30; CHORUS=path/to/chorus)
set -euo pipefail
shards=${1:-3}
callers=${2:-30}
chorus=${CHORUS:-.build/release/chorus}
work=${DEMO_DIR:-Reports/distributed-demo}
rm -rf "$work" && mkdir -p "$work/results"

# One agent for every shard, as a fleet's agent would be (port 0: a free one, read back from its banner).
coproc AGENT { exec "$chorus" agent --listen 127.0.0.1:0 --latency 300ms --jitter 20ms --exit-on-stdin-eof; }
banner=""
while [[ $banner != *"listening on"* ]]; do read -r banner <&"${AGENT[0]}"; done
port=$(sed -E 's/.*listening on [0-9.]+:([0-9]+).*/\1/' <<<"$banner")
echo "agent: $banner"

start_at=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
run_id="demo-$(date -u +%Y%m%d-%H%M%S)"
echo "run $run_id: $shards shards × about $((callers / shards)) callers, starting together at $start_at"
pids=()
for ((i = 0; i < shards; i++)); do
  JOB_COMPLETION_INDEX=$i CHORUS_SHARD_COUNT=$shards CHORUS_RUN_ID=$run_id CHORUS_START_AT=$start_at \
    CHORUS_RESULTS_DIR="$work/results" \
    "$chorus" run Scenarios/quickstart.yaml --target "ws://127.0.0.1:$port/chorus" --callers "$callers" \
      --set session.turns=2 >"$work/shard-$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then echo "shard $i: done"; else echo "shard $i: exit $? (see $work/shard-$i.log)"; status=1; fi
done
exec {AGENT[1]}>&-  # closing its standard input stops the agent
wait "$AGENT_PID" 2>/dev/null || true

"$chorus" merge "$work"/results/shard-*-of-"$shards".sqlite --db "$work/merged.sqlite" --out "$work/report" || status=$?
echo "merged run: $work/merged.sqlite; report: $work/report/report.html"
echo "try: $chorus gate $run_id --db $work/merged.sqlite"
exit "$status"
