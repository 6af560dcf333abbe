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
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -d tests/js/node_modules ]; then
  echo "test.sh: npm ci in tests/js"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

log=$(mktemp)
set +e
dotnet test Robotics.sln -c Release "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# One closing line over all test projects, summed from dotnet test's per-project summaries.
sum() { grep -Eo "$1: +[0-9]+" "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
rm -f "$log"
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran"; rc=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
