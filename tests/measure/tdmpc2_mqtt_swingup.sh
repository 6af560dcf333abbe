#!/usr/bin/env bash
# Issue 15's last done-when: a TD-MPC2 (latent-mpc) model swings the pendulum up over MQTT in real time with the gate on.
# Mosquitto on a free loopback port, `robotics-sim serve --env pendulum` (20 Hz, its own clock, seed SEED), and
# `robotics run --realtime true` with the gate on (the PETS ensemble models/pendulum.onnx as its safety model); a stock
# mosquitto_sub records every state and command, and tdmpc2_mqtt_swingup.py prints each whole episode's return and
# whether it swung up and stayed up (|theta| < 0.3 rad over its last 50 steps).
# Usage: tests/measure/tdmpc2_mqtt_swingup.sh MODEL_DIR/model.onnx [extra robotics run args, e.g. --latent-iterations 4]
# Env: EPISODES (runtime episodes; the first is joined mid-way and left out, default 6), SEED (robot's first reset, 7),
#      OUT (keep logs there; default a temporary directory), BIN_RUNTIME / BIN_SIM (Release output folders),
#      LOCKSTEP=1 (diagnosis: the same robot and starts, stepped once per command, `run --realtime false`).
# Needs the Release build of runtime/ and sim/. Exit 1 unless every whole episode stayed up.
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:?usage: tdmpc2_mqtt_swingup.sh MODEL.onnx [run args]}; shift
episodes=${EPISODES:-6}; seed=${SEED:-7}
if [ "${LOCKSTEP:-0}" = 1 ]; then serve_mode=(--lockstep); realtime=false; else serve_mode=(); realtime=true; fi
rt=${BIN_RUNTIME:-runtime/bin/Release/net10.0}; simbin=${BIN_SIM:-sim/bin/Release/net10.0}
work=${OUT:-$(mktemp -d)}; mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${OUT:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
"$mosq" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do mosquitto_pub -h 127.0.0.1 -p "$port" -t ping -m x 2>/dev/null && break; sleep 0.1; done

mosquitto_sub -h 127.0.0.1 -p "$port" -t robots/tdsw/state -t robots/tdsw/command -F '%t %p' >"$work/sub.log" & pids+=($!)
dotnet "$simbin/robotics-sim.dll" serve --env pendulum --transport mqtt --broker "mqtt://127.0.0.1:$port" \
  --id tdsw --seed "$seed" "${serve_mode[@]}" >"$work/serve.log" 2>&1 & pids+=($!)
sleep 1
echo "tdmpc2_mqtt_swingup: $(date -u +%FT%TZ), realtime $realtime, load average $(cut -d' ' -f1-3 /proc/loadavg), model $model, args: $*"
rc=0
dotnet "$rt/robotics.dll" run --model "$model" --safety-model models/pendulum.onnx --robot "mqtt://127.0.0.1:$port/tdsw" \
  --realtime "$realtime" --episodes "$episodes" --threads 2 "$@" >"$work/run.log" 2>&1 || rc=$?
sleep 0.5
[ "$rc" = 0 ] || { echo "tdmpc2_mqtt_swingup: robotics run failed (exit $rc):"; tail -5 "$work/run.log"; exit 1; }
grep -E "^latent MPPI budget|^episode|^mean return|^loop:" "$work/run.log" | sed 's/; loop:.*//; s/^/runtime: /'
/usr/bin/python3 tests/measure/tdmpc2_mqtt_swingup.py "$work/sub.log"
