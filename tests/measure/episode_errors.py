#!/usr/bin/env python3
"""Tracking error of recorded pendulum episodes against their references (issue 18).

Usage: episode_errors.py REF.parquet RUN.parquet [...pairs]
Reads both with tests/js/read-parquet.mjs (hyparquet, independent of the .NET reader) and prints, per pair,
the wrapped angle error |wrap(atan2(sin, cos) - atan2(sin*, cos*))| of next_obs at each step against the
reference's next_obs at the same step: RMS, max, and the same over the last 50 steps; then the pooled figures.
"""
import json, math, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
READER = os.path.join(HERE, "..", "js", "read-parquet.mjs")


def rows(path):
    out = subprocess.run(["node", READER, path], check=True, capture_output=True, text=True).stdout
    r = json.loads(out)["files"][0]["rows"]
    return sorted(r, key=lambda x: int(x["step"]))


def angle(o):
    return math.atan2(float(o[1]), float(o[0]))


def main(args):
    pooled, worst = [], 0.0
    for ref, run in zip(args[0::2], args[1::2]):
        a, b = rows(ref), rows(run)
        n = min(len(a), len(b))
        e = []
        for i in range(n):
            d = angle(b[i]["next_obs"]) - angle(a[i]["next_obs"])
            e.append(abs(math.atan2(math.sin(d), math.cos(d))))
        rms = math.sqrt(sum(x * x for x in e) / n)
        tail = e[-50:]
        print(f"{os.path.basename(os.path.dirname(run))}: steps {n} rms {rms:.4f} rad max {max(e):.4f} rad "
              f"last50 rms {math.sqrt(sum(x*x for x in tail)/len(tail)):.4f} max {max(tail):.4f}; "
              f"ref ends at {angle(a[n-1]['next_obs']):+.3f} rad, run at {angle(b[n-1]['next_obs']):+.3f} rad")
        pooled += e
        worst = max(worst, max(e))
    print(f"pooled: {len(pooled)} steps, rms {math.sqrt(sum(x*x for x in pooled)/len(pooled)):.4f} rad, max {worst:.4f} rad")


if __name__ == "__main__":
    main(sys.argv[1:])
