#!/usr/bin/env bash
# Runs every test. On a fresh Debian 12 machine with the .NET 10 SDK it first installs what the tests
# need (Debian packages, npm packages for the independent cross-check readers) when missing.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # deploy/mosquitto/make-credentials.sh in the security tests
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # the service test scrapes /metrics and lints it
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/mujoco/mujoco.h ] || missing+=(libmujoco-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Reinstalled whenever the lock file changed since the last install (a stamp holds its hash).
lock_hash=$(sha256sum tests/js/package-lock.json | cut -d' ' -f1)
if [ ! -d tests/js/node_modules ] || [ "$(cat tests/js/node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "test.sh: npm ci in tests/js"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > tests/js/node_modules/.lock-hash
fi

# Every run starts from the libLibTorchSharp.so a fresh clone builds, not one a previous run patched for this
# libstdc++ (trainer/Native/GlibcxxCompat), so a test that touches torch before the patch fails here as on CI.
orig_lts="${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so"
if [ -f "$orig_lts" ]; then
  for f in tests/*/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so trainer/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so; do
    [ -f "$f" ] && cp -p "$orig_lts" "$f"
  done
  rm -rf tests/*/bin/Release/net10.0/cpu
fi

log=$(mktemp)
set +e
# One test project at a time (-m:1): the real-time and hardware-in-the-loop tests measure deadlines, and six
# projects at once on two cores made them measure the machine's load instead.
dotnet test Robotics.sln -c Release -m:1 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# GPU build flavour (Microsoft.ML.OnnxRuntime.Gpu.Linux) in its own artifacts dir, so it never mixes with the
# CPU build: on a machine without CUDA the planner must fall back to the CPU provider with a log line and still plan.
gpu_rc=0
echo "test.sh: GPU flavour build and CPU-fallback check"
if dotnet build runtime -c Release -p:RoboticsGpu=true --artifacts-path artifacts/gpu -v q -nologo >"$log.gpu" 2>&1; then
  out=$(dotnet artifacts/gpu/bin/Robotics.Runtime/release/robotics.dll bench planner --config pets-rt --provider cuda --plans 3 --json 2>"$log.gpuerr") || gpu_rc=$?
  if [ "$gpu_rc" -ne 0 ] || ! echo "$out" | grep -q '"alloc_bytes_per_plan"'; then
    echo "test.sh: GPU flavour bench failed:"; cat "$log.gpuerr"; gpu_rc=1
  elif echo "$out" | grep -q '"provider":"cpu"' && ! grep -q "falling back to cpu" "$log.gpuerr"; then
    echo "test.sh: GPU flavour used the CPU provider without saying why"; gpu_rc=1
  else
    echo "test.sh: GPU flavour ok: $(grep -o 'falling back to cpu\|execution provider cuda' "$log.gpuerr" | head -1); $out"
  fi
else
  echo "test.sh: GPU flavour build failed:"; tail -20 "$log.gpu"; gpu_rc=1
fi
rm -f "$log.gpu" "$log.gpuerr"
[ "$gpu_rc" -ne 0 ] && rc=1

# Real time in phase with the robot (issue 11), after the suite so the machine is quiet: the shipped model over
# a real Mosquitto at 20 Hz answers >= 98% of the robot's states with a median state->command delay <= 20 ms.
echo "test.sh: 20 Hz phase check over Mosquitto"
tests/measure/mqtt_phase.sh || rc=1

# One closing line over all test projects, summed from dotnet test's per-project summaries.
sum() { grep -Eo "$1: +[0-9]+" "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
rm -f "$log"
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran"; rc=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
