#!/bin/bash
# Issue 18: the tracking controller follows recorded pendulum swing-ups (lock-step, in-process sim).
# References: the shipped ensemble MPC (models/pendulum.onnx) swinging up from reset seed S; tracking: the inverse
# model M from the same reset seed, acting clip(f(s, s*_t+1)) through the safety gate. Errors by episode_errors.py.
# Usage: tests/measure/tracking_swingup.sh INVERSE.onnx OUTDIR [SEEDS...]   (RUNTIME=dir of the robotics binary)
set -euo pipefail
INV=$1; OUT=$2; shift 2
SEEDS=${*:-0 1 2 3 4 5 6 7 8 9}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RUNTIME:-$ROOT/runtime/bin/Release/net10.0}/robotics
mkdir -p "$OUT"
pairs=()
for s in $SEEDS; do
  rm -rf "$OUT/ref-$s" "$OUT/track-$s"
  "$RT" run --model "$ROOT/models/pendulum.onnx" --robot sim:pendulum --seed "$s" --realtime false --episodes 1 --record "$OUT/ref-$s" > "$OUT/ref-$s.log" 2>&1
  "$RT" run --model "$INV" --reference "$OUT/ref-$s/episode-000000.parquet" --robot sim:pendulum --seed "$s" --realtime false --episodes 1 \
    --record "$OUT/track-$s" > "$OUT/track-$s.log" 2>&1
  grep -h "^episode\|safety:" "$OUT/ref-$s.log" "$OUT/track-$s.log" | sed "s/^/seed $s: /"
  pairs+=("$OUT/ref-$s/episode-000000.parquet" "$OUT/track-$s/episode-000000.parquet")
done
python3 "$ROOT/tests/measure/episode_errors.py" "${pairs[@]}" | tee "$OUT/errors.txt"
