#!/usr/bin/env bash
# lane.sh TASK OUT HORIZON POP ITER [wait-for-dir]: PETS then veto-eval on 3 seeds, sequential.
set -u
task=$1; out=$2; h=$3; pop=$4; it=$5
cd /work/runs/s9
if [ ! -f $out/models/iter-0$it.onnx ]; then
  (time dotnet trainer-bin/robotics-train.dll pets --env $task --horizon $h --population $pop --iterations $it --seed 1 --eval-episodes 1 --out $out) > $out.log 2>&1
fi
for s in 0 1 2; do
  dotnet trainer-bin/robotics-train.dll veto-eval --model $out/models/iter-0$it.onnx --training-data $out/data --seeds $s --calibration-ticks 4000 --eval-episodes 5 --false-veto-rate 0.005 --gated-rounds 3 --horizon $h --population $pop --out veto-$out-s$s > veto-$out-s$s.log 2>&1
done
