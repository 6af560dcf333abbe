#!/usr/bin/env bash
# Issue 20's soak benchmark (not a test): `robotics serve` drives `robotics-sim serve` (pendulum, 20 Hz, its own
# clock) over a real Mosquitto on a free loopback port for MINUTES, recording continuously, and reports from its
# /metrics at start and end: working set and GC heap, bytes the whole process allocated per answered state (loop,
# MQTT, HTTP and recorder together; the loop's own tick is 0 B, tested), deadline overruns and misses, states
# answered/missed, and the transitions on disk (rows and metadata read back by the independent hyparquet reader,
# tests/js/read-parquet.mjs; needs `npm ci` in tests/js, as test.sh does).
# It also samples /metrics and the load average once a minute (samples.csv), so "memory flat" is a trend, not two points.
# usage: tests/measure/service_soak.sh MINUTES OUT_DIR   (needs the Release builds of runtime/ and sim/)
#   SOAK_RT=1 runs broker, robot and service under SCHED_FIFO (chrt -f 10, needs root), as a deployed controller would
#   be, so that niced background work on the same machine cannot take their core.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-5}; out=${2:-/tmp/service-soak}
mkdir -p "$out"; rm -rf "$out/record"; work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free); http=$(free)
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
rt=(); [ "${SOAK_RT:-0}" = 1 ] && rt=(chrt -f 10)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
"${rt[@]}" "$mosq" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do mosquitto_pub -h 127.0.0.1 -p "$port" -t ping -m x 2>/dev/null && break; sleep 0.1; done
"${rt[@]}" dotnet sim/bin/Release/net10.0/robotics-sim.dll serve --env pendulum --transport mqtt --broker "mqtt://127.0.0.1:$port" \
  --id soak --seed 1 >"$out/robot.log" 2>&1 & pids+=($!)
"${rt[@]}" dotnet runtime/bin/Release/net10.0/robotics.dll serve --model models/pendulum.onnx --robot "mqtt://127.0.0.1:$port/soak" \
  --http "127.0.0.1:$http" --record "$out/record" --seed 1 --iterations 2 >"$out/serve.log" 2>&1 & serve=$!; pids+=($serve)
for _ in $(seq 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready")" = 200 ] && break; sleep 0.2; done
sleep 10   # warm-up: first episode, JIT, ONNX Runtime sessions
curl -s "http://127.0.0.1:$http/metrics" >"$out/metrics-start.txt"
echo "minute,working_set_mb,gc_heap_mb,states_answered,states_missed,deadline_misses,overruns,load1" >"$out/samples.csv"
sample() {
  curl -s "http://127.0.0.1:$http/metrics" | awk -v m="$1" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    $1=="process_resident_memory_bytes"{ws=$2} $1=="robotics_gc_heap_bytes"{gc=$2}
    $1=="robotics_states_answered_total"{a=$2} $1=="robotics_states_missed_total"{mi=$2}
    $1=="robotics_loop_deadline_misses_total"{dm=$2} $1=="robotics_loop_overruns_total"{ov=$2}
    END{printf "%d,%.1f,%.2f,%d,%d,%d,%d,%s\n", m, ws/1048576, gc/1048576, a, mi, dm, ov, load}' >>"$out/samples.csv"
}
sample 0
for m in $(seq "$minutes"); do sleep 60; sample "$m"; done
curl -s "http://127.0.0.1:$http/metrics" >"$out/metrics-end.txt"
kill -TERM "$serve"; wait "$serve" || true
node tests/js/read-parquet.mjs "$out/record" | /usr/bin/python3 -c '
import sys, json
d = json.load(sys.stdin)
fin = [f for f in d["files"] if ".part-" not in f["name"]]
meta = fin[-1]["metadata"] if fin else {}
json.dump({"files": len(fin), "parts": len(d["files"]) - len(fin), "rows": sum(len(f["rows"]) for f in fin),
           "model_sha256": meta.get("model_sha256"), "robot_id": meta.get("robot_id")}, open(sys.argv[1], "w"))' "$out/disk.json"
/usr/bin/python3 - "$out" "$minutes" <<'PY'
import sys, os, re, glob, json
out, minutes = sys.argv[1], float(sys.argv[2])
def read(p):
    m = {}
    for line in open(p):
        if line.startswith('#') or not line.strip(): continue
        k, v = line.rsplit(' ', 1); m[k] = float(v)
    return m
a, b = read(f"{out}/metrics-start.txt"), read(f"{out}/metrics-end.txt")
d = lambda k: b.get(k, 0) - a.get(k, 0)
answered = d('robotics_states_answered_total')
disk = json.load(open(f"{out}/disk.json"))
r = {
  "minutes": minutes,
  "working_set_start_mb": a['process_resident_memory_bytes'] / 2**20, "working_set_end_mb": b['process_resident_memory_bytes'] / 2**20,
  "gc_heap_start_mb": a['robotics_gc_heap_bytes'] / 2**20, "gc_heap_end_mb": b['robotics_gc_heap_bytes'] / 2**20,
  "states_answered": answered, "states_missed": d('robotics_states_missed_total'),
  "overruns": d('robotics_loop_overruns_total'), "deadline_misses": d('robotics_loop_deadline_misses_total'),
  "stale_safe_actions": d('robotics_loop_stale_safe_actions_total'),
  "process_bytes_per_answered_state": d('robotics_gc_allocated_bytes_total') / max(1, answered),
  "answered_total": b['robotics_states_answered_total'], "episodes_total": b['robotics_episodes_total'],
  "episode_files": disk["files"], "part_files_left": disk["parts"], "transitions_on_disk": disk["rows"],
  "file_model_sha256": disk["model_sha256"], "file_robot_id": disk["robot_id"],
}
rows = [l.strip().split(',') for l in open(f"{out}/samples.csv")][1:]
ws = [float(x[1]) for x in rows]; gc = [float(x[2]) for x in rows]; half = len(ws) // 2
r["working_set_mb_min_max"] = [min(ws), max(ws)]; r["gc_heap_mb_min_max"] = [min(gc), max(gc)]
# flat = the second half's mean within 5% of the first half's (after warm-up), not a monotone climb
r["working_set_first_half_mean_mb"] = sum(ws[:half]) / max(1, half); r["working_set_second_half_mean_mb"] = sum(ws[half:]) / max(1, len(ws) - half)
r["load1_max"] = max(float(x[7]) for x in rows); r["scheduling"] = "SCHED_FIFO 10" if os.environ.get("SOAK_RT") == "1" else "default"
json.dump(r, open(f"{out}/soak.json", "w"), indent=1); print(json.dumps(r))
PY
