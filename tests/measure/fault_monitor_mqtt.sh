#!/bin/bash
# Issue 18 done-when: over MQTT, a 50% gain loss or a stuck actuator raises the fault monitor's alarm in every one of
# 20 seeded runs, and 20 healthy runs raise none.
#
# Real components on loopback: Mosquitto on a free 127.0.0.1 port; per run one `robotics-sim serve --lockstep --seed S
# [--fault ...]` process and one `robotics run` process (MQTT, lock-step) driving the pendulum with the tracking
# controller, which replays a recorded excitation episode from the same reset seed (`robotics-train collect --seed S`,
# uniform random torques: the actuator stays busy; an inverse-model monitor cannot see a fault while |u| ~ 0), with
# the fault monitor (inverse model M) beside it.
#   calibration: seeds 1000-1019, healthy, --fault-calibrate (adds each run's episode to M.fault-monitor.json;
#                threshold = max smoothed residual x margin 1.5, alpha 0.2)
#   evaluation:  reset seeds 2000 + i, i = 0-19 (distinct from the training data, collect --seed 0, and calibration):
#                healthy, gain:factor=0.5,start=F and stuck:start=F with F = 20 + 3 i, threshold from the file.
# Output: OUTDIR/runs.csv (condition, seed, fault_start, joined_at, alarmed, alarm_step, delay, max_smoothed, checked,
# skipped, missed) and a summary. Steps count the robot's episode steps: the fault acts from the robot's step index F
# (0-based), so delay = 1 is an alarm on the first faulty transition. Lock-step: the robot waits for the run's first
# command, joined_at = 0. Real time: the robot steps on its own clock from its start, the run joins mid-episode, and the
# monitor counts transitions from the join: joined_at = EPLEN - the run's robot steps (fixed-length episodes only:
# REALTIME=1 needs ENV=pendulum, 200 steps), delay = joined_at + alarm_step - F. Usage: [N=20] [REALTIME=1] [ENV=pendulum] tests/measure/fault_monitor_mqtt.sh INVERSE.onnx OUTDIR
#   (START0, STARTK: fault start = START0 + STARTK i, default 20 + 3 i; TAIL=T: a start at most the reference's length - T
#    (at least 1), for robots whose excitation episodes end early (cartpole-swingup leaves the track after 30-200 steps); REALTIME=1: the robot steps every 50 ms on its own clock and the loop acts on each state, instead of lock-step)
#   (RUNTIME, SIM, TRAINER: dirs of the robotics, robotics-sim and robotics-train binaries)
set -euo pipefail
INV_SRC=$1; OUT=$2
ENVID=${ENV:-pendulum}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RUNTIME:-$ROOT/runtime/bin/Release/net10.0}/robotics
SIMB=${SIM:-$ROOT/sim/bin/Release/net10.0}/robotics-sim
TR=${TRAINER:-$ROOT/trainer/bin/Release/net10.0}/robotics-train
rm -rf "$OUT"; mkdir -p "$OUT/refs" "$OUT/logs" "$OUT/monitor"
INV="$OUT/monitor/$(basename "$INV_SRC")"
cp "$INV_SRC" "$INV"          # the calibration file is written beside this copy

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$PORT" > "$OUT/mosquitto.conf"
mosquitto -c "$OUT/mosquitto.conf" > "$OUT/logs/mosquitto.log" 2>&1 &
MOSQ=$!
trap 'kill $MOSQ 2>/dev/null || true' EXIT
sleep 0.5
BROKER="mqtt://127.0.0.1:$PORT"
if [ "${REALTIME:-0}" = 1 ]; then
  STEP=(); RTFLAG=true
  [ "$ENVID" = pendulum ] || { echo "REALTIME=1: the join offset needs fixed-length episodes (pendulum); got ENV=$ENVID" >&2; exit 2; }
  EPLEN=200
else STEP=(--lockstep); RTFLAG=false; EPLEN=0; fi
echo "mosquitto pid $MOSQ on 127.0.0.1:$PORT"

reference() {   # reference <reset seed>: one excitation episode from that reset
  local s=$1 d="$OUT/refs/$1"
  [ -f "$d/episode-000000.parquet" ] && return
  # collect seeds the reset and the policy with one seed; the reset seed is what must match the robot's.
  "$TR" collect --env "$ENVID" --episodes 1 --seed "$s" --out "$d" > "$OUT/logs/ref-$s.log" 2>&1
}

one_run() {   # one_run <name> <reset seed> <fault or -> <extra run args...>
  local name=$1 s=$2 fault=$3; shift 3
  local id="r-$name" fargs=()
  [ "$fault" != "-" ] && fargs=(--fault "$fault")
  "$SIMB" serve --env "$ENVID" --broker "$BROKER" --id "$id" "${STEP[@]}" --seed "$s" "${fargs[@]}" > "$OUT/logs/robot-$name.log" 2>&1 &
  local robot=$!
  set +e
  "$RT" run --model "$INV_SRC" --reference "$OUT/refs/$s/episode-000000.parquet" --robot "$BROKER/$id" --realtime "$RTFLAG" \
    --episodes 1 --seed "$s" --fault-monitor "$INV" "$@" > "$OUT/logs/run-$name.log" 2>&1
  local rc=$?
  set -e
  kill "$robot" 2>/dev/null || true; wait "$robot" 2>/dev/null || true
  [ $rc -eq 0 ] || { echo "run $name failed ($rc):"; tail -5 "$OUT/logs/run-$name.log"; exit 1; }
}

rm -f "$(dirname "$INV")"/*.fault-monitor.json
N=${N:-20}
for i in $(seq 0 $((N - 1))); do
  s=$((1000 + i)); reference $s
  one_run "cal-$s" $s - --fault-calibrate --fault-margin 1.5 --fault-alpha 0.2
done
grep -h "calibrated on" "$OUT/logs/run-cal-$((1000 + N - 1)).log" | tee "$OUT/calibration.txt"

echo "condition,seed,fault_start,joined_at,alarmed,alarm_step,delay,max_smoothed,checked,skipped,missed" > "$OUT/runs.csv"
parse() {   # parse <condition> <seed> <start> <log>
  python3 - "$@" "$EPLEN" >> "$OUT/runs.csv" <<'PY'
import re, sys
cond, seed, start, log, eplen = sys.argv[1:6]
text = open(log).read()
e = re.search(r"episode 0(?: \(partial: joined mid-episode\))?: return [-0-9.]+ over (\d+) robot steps; answered \d+ \([0-9.]+%\), missed (\d+)", text)
if not e: sys.exit(f"no episode line in {log}")
joined = int(eplen) - int(e.group(1)) if int(eplen) > 0 else 0
if joined < 0: sys.exit(f"{log}: {e.group(1)} robot steps in a {eplen}-step episode")
m = re.search(r"fault monitor: (ALARM at step (\d+) \(max smoothed residual ([0-9.]+)|no alarm \(max smoothed residual ([0-9.]+))[^;]*; (\d+) checked, (\d+) skipped", text)
if not m: sys.exit(f"no fault monitor line in {log}")
alarmed = m.group(2) is not None
step = int(m.group(2)) if alarmed else -1
mx = m.group(3) or m.group(4)
delay = joined + step - int(start) if alarmed and int(start) >= 0 else ""
print(f"{cond},{seed},{start},{joined},{int(alarmed)},{step},{delay},{mx},{m.group(5)},{m.group(6)},{e.group(2)}")
PY
}
for i in $(seq 0 $((N - 1))); do
  s=$((2000 + i)); reference $s
  start=$((${START0:-20} + ${STARTK:-3} * i))
  if [ -n "${TAIL:-}" ]; then
    len=$(grep -o '[0-9]* transitions' "$OUT/logs/ref-$s.log" | grep -o '[0-9]*')
    cap=$((len - TAIL)); [ $cap -lt 1 ] && cap=1
    [ $start -gt $cap ] && start=$cap
  fi
  one_run "healthy-$s" $s -;                              parse healthy $s -1 "$OUT/logs/run-healthy-$s.log"
  one_run "gain-$s" $s "gain:factor=0.5,start=$start";    parse gain $s $start "$OUT/logs/run-gain-$s.log"
  one_run "stuck-$s" $s "stuck:start=$start";             parse stuck $s $start "$OUT/logs/run-stuck-$s.log"
done

python3 - "$OUT/runs.csv" <<'PY' | tee "$OUT/summary.txt"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for cond in ("healthy", "gain", "stuck"):
    r = [x for x in rows if x["condition"] == cond]
    alarms = [x for x in r if x["alarmed"] == "1"]
    early = [x for x in alarms if cond != "healthy" and int(x["delay"]) < 1]
    d = sorted(int(x["delay"]) for x in alarms if cond != "healthy")
    mx = max(float(x["max_smoothed"]) for x in r)
    joined = sorted(int(x["joined_at"]) for x in r)
    line = f"{cond}: {len(alarms)}/{len(r)} runs alarmed, max smoothed residual {mx:.4f}; joined at step {joined[0]}-{joined[-1]}, missed states {sum(int(x['missed']) for x in r)}, skipped {sum(int(x['skipped']) for x in r)}"
    if d: line += f"; delay steps min {d[0]} median {d[len(d)//2]} max {d[-1]}, alarms before the fault {len(early)}; delays {d}"
    print(line)
PY
