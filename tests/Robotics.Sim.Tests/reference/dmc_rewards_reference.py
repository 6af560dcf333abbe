"""Independent reference for the MuJoCo tasks' rewards (tests/Robotics.Sim.Tests/MujocoRewardTests.cs).

Reads transitions the C# tasks recorded (CSV: reward, truncated, terminated, next observation, action, extra)
and recomputes each reward from the logged state after the step with DeepMind Control's definitions,
written here with numpy: tolerance(x, bounds, margin, sigmoid, value_at_margin) and each task's product of
terms. Prints one JSON line: rows, largest |reward - reference|, and the rows that differ by more than 1e-5.
usage: dmc_rewards_reference.py TASK FILE.csv
"""
import json
import sys

import numpy as np


def sigmoid(s, value_at_1, kind):
    if kind == "gaussian":
        return np.exp(-0.5 * (s * np.sqrt(-2.0 * np.log(value_at_1))) ** 2)
    if kind == "linear":
        z = s * (1.0 - value_at_1)
        return np.where(np.abs(z) < 1.0, 1.0 - z, 0.0)
    if kind == "quadratic":
        z = s * np.sqrt(1.0 - value_at_1)
        return np.where(np.abs(z) < 1.0, 1.0 - z * z, 0.0)
    raise ValueError(kind)


def tolerance(x, lower=0.0, upper=0.0, margin=0.0, kind="gaussian", value_at_margin=0.1):
    x = np.asarray(x, dtype=np.float64)
    inside = (x >= lower) & (x <= upper)
    if margin == 0:
        return np.where(inside, 1.0, 0.0)
    with np.errstate(invalid="ignore"):
        distance = np.where(x < lower, lower - x, x - upper) / margin
    return np.where(inside, 1.0, sigmoid(distance, value_at_margin, kind))


def cartpole(obs, act, sparse):
    x, cos, angular = obs[:, 0], obs[:, 1], obs[:, 4]
    if sparse:
        return tolerance(x, -0.25, 0.25) * tolerance(cos, 0.995, 1.0)
    upright = (cos + 1.0) / 2.0
    centered = (1.0 + tolerance(x, margin=2.0)) / 2.0
    small_control = (4.0 + tolerance(act[:, 0], margin=1.0, value_at_margin=0.0, kind="quadratic")) / 5.0
    small_velocity = (1.0 + tolerance(angular, margin=5.0)) / 2.0
    return upright * small_control * small_velocity * centered


def reacher(obs, radii):
    return tolerance(np.hypot(obs[:, 2], obs[:, 3]), 0.0, radii)


TASKS = {
    "mj-cartpole-balance": lambda o, a, e: cartpole(o, a, False),
    "mj-cartpole-swingup": lambda o, a, e: cartpole(o, a, False),
    "mj-cartpole-swingup-sparse": lambda o, a, e: cartpole(o, a, True),
    "mj-pendulum-swingup": lambda o, a, e: tolerance(o[:, 0], np.cos(np.deg2rad(8.0)), 1.0),
    "mj-reacher-easy": lambda o, a, e: reacher(o, 0.05 + 0.01),
    "mj-reacher-hard": lambda o, a, e: reacher(o, 0.015 + 0.01),
    "mj-cheetah-run": lambda o, a, e: tolerance(e[:, 0], 10.0, np.inf, 10.0, "linear", 0.0),
    "mj-arm3-reach": lambda o, a, e: tolerance(np.hypot(o[:, 3], o[:, 4]), 0.0, 0.04, 0.2),
}


def main():
    task, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    col = {name: i for i, name in enumerate(header)}
    obs = data[:, [i for n, i in col.items() if n.startswith("obs")]]
    act = data[:, [i for n, i in col.items() if n.startswith("act")]]
    extra = data[:, [i for n, i in col.items() if n.startswith("extra")]]
    expected = TASKS[task](obs, act, extra)
    err = np.abs(expected - data[:, col["reward"]])
    print(json.dumps({"rows": int(len(err)), "max_abs_err": float(err.max()), "mismatches": int((err > 1e-5).sum()),
                      "reward_sum": float(data[:, col["reward"]].sum())}))


if __name__ == "__main__":
    main()
