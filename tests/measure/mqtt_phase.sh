#!/usr/bin/env bash
# Issue 11's real-time check, run by test.sh after the test suite (a quiet machine): the shipped pendulum model
# drives `robotics-sim serve` (20 Hz, its own clock) over a real Mosquitto on a free loopback port, and a stock
# mosquitto_sub's timestamps must show >= 98% of the robot's states answered with a median state->command delay
# <= 20 ms (mqtt_phase.py decides). Planner: the default CEM (300 x 15) with 2 iterations, the budget a 20 Hz
# robot gets on 2 cores. Needs the Release build of runtime/ and sim/. Exit 1 when a threshold fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
"$mosq" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do mosquitto_pub -h 127.0.0.1 -p "$port" -t ping -m x 2>/dev/null && break; sleep 0.1; done

mosquitto_sub -h 127.0.0.1 -p "$port" -t robots/phase/state -t robots/phase/command -F '%U %t %p' >"$work/sub.log" & pids+=($!)
dotnet sim/bin/Release/net10.0/robotics-sim.dll serve --env pendulum --transport mqtt --broker "mqtt://127.0.0.1:$port" \
  --id phase --episodes 2 --seed 1 >"$work/serve.log" 2>&1 & pids+=($!)
sleep 1
dotnet runtime/bin/Release/net10.0/robotics.dll run --model models/pendulum.onnx --robot "mqtt://127.0.0.1:$port/phase" \
  --realtime --episodes 1 --seed 1 --iterations 2 >"$work/run.log" 2>&1 || { echo "mqtt_phase: robotics run failed:"; cat "$work/run.log"; exit 1; }
sleep 0.5
grep -E "answered|delay" "$work/run.log" | head -3 | sed 's/^/mqtt_phase: runtime says: /'
echo -n "mqtt_phase: stock subscriber says: "
/usr/bin/python3 tests/measure/mqtt_phase.py "$work/sub.log"
