#!/usr/bin/env bash
# Reproduces models/pendulum.onnx with our own trainer and runtime: a PETS loop by hand (one random episode,
# then repeat: train the ensemble -> run the runtime's MPC for one episode on the simulator -> add its data).
# Usage: models/reproduce.sh [OUT_DIR] [ITERATIONS]   (from the repository root; about 10 minutes on 2 cores)
set -euo pipefail
OUT=${1:-runs/pendulum-model}
ITERS=${2:-8}
SEED=0
dotnet build trainer -c Release -v q -nologo >/dev/null
TRAIN="dotnet trainer/bin/Release/net10.0/robotics-train.dll"
RUN="dotnet runtime/bin/Release/net10.0/robotics.dll"
MODEL_ARGS="--algo pets --members 5 --elites 5 --layers 3 --hidden 128 --seed $SEED"
PLAN_ARGS="--planner cem --horizon 15 --population 200 --iterations 3 --realtime false --gate pass"

rm -rf "$OUT"; mkdir -p "$OUT"
$TRAIN collect --env pendulum --episodes 1 --policy random --seed $SEED --out "$OUT/data"
for i in $(seq 1 "$ITERS"); do
  $TRAIN train $MODEL_ARGS --data "$OUT/data" --out "$OUT/model-$i.onnx" | tail -n 2
  $RUN run --model "$OUT/model-$i.onnx" --robot sim:pendulum --episodes 1 --seed $((SEED + i)) $PLAN_ARGS --record "$OUT/iter-$i" | tee "$OUT/iter-$i.log"
  cp "$OUT/iter-$i/episode-000000.parquet" "$OUT/data/episode-mpc-$(printf %03d "$i").parquet"
done
$TRAIN train $MODEL_ARGS --data "$OUT/data" --out "$OUT/pendulum.onnx" | tail -n 2
echo "final model: $OUT/pendulum.onnx (copy to models/pendulum.onnx)"
