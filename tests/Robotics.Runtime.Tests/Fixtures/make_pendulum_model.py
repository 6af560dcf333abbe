"""Writes a test world model in the step-graph contract: an 'ensemble' of exact pendulum dynamics.

Member e uses gravity g * (1 + e * spread), so members disagree by a known amount. Outputs next_obs (mean
over members), reward (a small-angle approximation of Pendulum's reward), next_obs_members [E, N, 3] and
disagreement = max_e ||mu_e - mean||_2. IR 8, opset 17, card JSON under metadata key 'robotics.card'.

usage: make_pendulum_model.py OUT.onnx CARD.json MEMBERS SPREAD
"""
import sys
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

out, card_path, members, spread = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
nodes, inits = [], []


def const(name, value, dtype=np.float32):
    inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
    return name


def node(op, inputs, output, **attrs):
    nodes.append(helper.make_node(op, inputs, [output], **attrs))
    return output


def col(i):
    return node("Slice", ["obs", const(f"s{i}", [i], np.int64), const(f"e{i}", [i + 1], np.int64),
                          const(f"a{i}", [1], np.int64)], f"col{i}")


c, s, w = col(0), col(1), col(2)
u = node("Clip", ["action", const("umin", -2.0), const("umax", 2.0)], "u")
dt = const("dt", 0.05)
outs = []
for e in range(members):
    g = 10.0 * (1 + e * spread)
    acc = node("Add", [node("Mul", [const(f"k{e}", 1.5 * g), s], f"gs{e}"),
                       node("Mul", [const(f"three{e}", 3.0), u], f"tu{e}")], f"acc{e}")
    w2 = node("Clip", [node("Add", [w, node("Mul", [acc, dt], f"dw{e}")], f"wr{e}"),
                       const(f"wmin{e}", -8.0), const(f"wmax{e}", 8.0)], f"w2{e}")
    d = node("Mul", [w2, dt], f"d{e}")
    cd, sd = node("Cos", [d], f"cd{e}"), node("Sin", [d], f"sd{e}")
    c2 = node("Sub", [node("Mul", [c, cd], f"ccd{e}"), node("Mul", [s, sd], f"ssd{e}")], f"c2{e}")
    s2 = node("Add", [node("Mul", [s, cd], f"scd{e}"), node("Mul", [c, sd], f"csd{e}")], f"s2{e}")
    cat = node("Concat", [c2, s2, w2], f"cat{e}", axis=1)
    outs.append(node("Unsqueeze", [cat, const(f"ax0_{e}", [0], np.int64)], f"m{e}"))

node("Concat", outs, "next_obs_members", axis=0)
node("ReduceMean", ["next_obs_members"], "next_obs", axes=[0], keepdims=0)
diff = node("Sub", ["next_obs_members", "next_obs"], "diff")
sq = node("ReduceSum", [node("Mul", [diff, diff], "sq"), const("ax2", [2], np.int64)], "ss", keepdims=0)
node("ReduceMax", [node("Sqrt", [sq], "norm")], "disagreement", axes=[0], keepdims=0)
cost = node("Add", [node("Mul", [const("two", 2.0), node("Sub", [const("one", 1.0), c], "omc")], "th2"),
                    node("Add", [node("Mul", [const("pt1", 0.1), node("Mul", [w, w], "ww")], "wc"),
                                 node("Mul", [const("pt001", 0.001), node("Mul", [u, u], "uu")], "uc")], "rest")], "cost")
node("Neg", [node("Squeeze", [cost, const("ax1", [1], np.int64)], "cost1")], "reward")

graph = helper.make_graph(
    nodes, "pendulum_truth",
    [helper.make_tensor_value_info("obs", TensorProto.FLOAT, ["N", 3]),
     helper.make_tensor_value_info("action", TensorProto.FLOAT, ["N", 1])],
    [helper.make_tensor_value_info("next_obs", TensorProto.FLOAT, ["N", 3]),
     helper.make_tensor_value_info("reward", TensorProto.FLOAT, ["N"]),
     helper.make_tensor_value_info("next_obs_members", TensorProto.FLOAT, [members, "N", 3]),
     helper.make_tensor_value_info("disagreement", TensorProto.FLOAT, ["N"])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="robotics-tests")
model.ir_version = 8
with open(card_path) as f:
    helper.set_model_props(model, {"robotics.card": f.read()})
onnx.checker.check_model(model)
onnx.save(model, out)
