using Robotics.Core.Tasks;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Perf;

public sealed class EnsembleGraphTests
{
    private static Dictionary<string, float[]> Run(byte[] model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, so);
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var ro = new RunOptions();
            var names = session.OutputNames.ToArray();
            using var outs = session.Run(ro, inputs.Select(i => i.Name).ToArray(), values, names);
            return names.Select((n, k) => (n, outs[k].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(t => t.n, t => t.Item2);
        }
        finally { foreach (var v in values) v.Dispose(); }
    }

    private static void Close(float[] expected, float[] actual, float tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData(false, DisagreementMeasure.TotalStd)]
    [InlineData(true, DisagreementMeasure.TotalStd)]
    [InlineData(true, DisagreementMeasure.MaxMemberL2)]
    public void StepGraph_MatchesPlainLoopForward_ForEveryOutput(bool predictsReward, DisagreementMeasure measure)
    {
        var p = ReferenceEnsemble.Small(predictsReward, measure: measure);
        var rng = new Random(3);
        int n = 17;
        var obs = Enumerable.Range(0, n * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var act = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var expected = ReferenceEnsemble.Run(p, obs, act, n);

        var got = Run(EnsembleStepGraph.Build(p).Serialize(), ("obs", obs, [n, 3]), ("action", act, [n, 1]));

        Close(expected.Members, got[EnsembleGraphNames.NextObsMembers], 1e-4f, "next_obs_members");
        Close(expected.Next, got[EnsembleGraphNames.NextObs], 1e-4f, "next_obs");
        Close(expected.Reward, got[EnsembleGraphNames.Reward], 1e-4f, "reward");
        Close(expected.Disagreement, got[EnsembleGraphNames.Disagreement], 1e-4f, "disagreement");
    }

    [Fact]
    public void PendulumGraphCost_EqualsPendulumCost_AroundTheCircleIncludingQuadrantBoundaries()
    {
        var angles = new List<double>();
        for (int k = -8; k <= 8; k++)
        {
            double b = k * Math.PI / 4;
            angles.AddRange([b, b + 1e-7, b - 1e-7, b + 1e-3, b - 1e-3]);
        }
        for (int i = 0; i < 2000; i++) angles.Add(-Math.PI + 2 * Math.PI * i / 2000.0);
        var obs = new List<float>();
        var act = new List<float>();
        var rng = new Random(5);
        foreach (double th in angles)
        {
            obs.AddRange([(float)Math.Cos(th), (float)Math.Sin(th), (float)(rng.NextDouble() * 16 - 8)]);
            act.Add((float)(rng.NextDouble() * 6 - 3)); // beyond the torque limit too: the cost clips
        }
        // Exact axis points, where x or y is exactly +-0.
        obs.AddRange([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, -1, -0f, 0, 1, -0f, 1]);
        act.AddRange([0, 0, 0, 0, 0, 2]);
        int n = act.Count;

        var g = new Robotics.Core.Onnx.OnnxGraphBuilder("cost");
        var o = g.Input("obs", ["N", 3]);
        var a = g.Input("action", ["N", 1]);
        g.Output("cost", new PendulumGraphCost().Build(g, o, a), ["N"]);
        var got = Run(g.ToModel().Serialize(), ("obs", obs.ToArray(), [n, 3]), ("action", act.ToArray(), [n, 1]))["cost"];

        var truth = new PendulumCost();
        for (int i = 0; i < n; i++)
        {
            float expected = truth.Cost(obs.ToArray().AsSpan(i * 3, 3), act.ToArray().AsSpan(i, 1));
            Assert.True(Math.Abs(expected - got[i]) <= 1e-5f * Math.Max(1, expected),
                $"obs ({obs[i * 3]}, {obs[i * 3 + 1]}): expected {expected}, got {got[i]}");
        }
    }

    [Fact]
    public void Reacher2DGraphCost_EqualsReacher2DCost_IncludingClippedTorquesAndTheTarget()
    {
        var parameters = new Reacher2DParameters { MaxTorque = 0.8, ControlCostWeight = 0.05 };
        var truth = new Reacher2DCost(parameters.Cost);
        var graphCost = truth.GraphForm;
        Assert.NotNull(graphCost);
        var rng = new Random(9);
        const int n = 500;
        var obs = new float[n * 10];
        var act = new float[n * 2];
        for (int i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 0.6 - 0.3);
        for (int i = 0; i < act.Length; i++) act[i] = (float)(rng.NextDouble() * 3 - 1.5); // beyond the limit too
        obs[8] = obs[9] = 0; // exactly on the target

        var g = new Robotics.Core.Onnx.OnnxGraphBuilder("cost");
        g.Output("cost", graphCost!.Build(g, g.Input("obs", ["N", 10]), g.Input("action", ["N", 2])), ["N"]);
        var got = Run(g.ToModel().Serialize(), ("obs", obs, [n, 10]), ("action", act, [n, 2]))["cost"];
        var expected = Enumerable.Range(0, n).Select(i => truth.Cost(obs.AsSpan(i * 10, 10), act.AsSpan(i * 2, 2))).ToArray();
        Close(expected, got, 1e-6f, "reacher2d cost");
    }

    [Fact]
    public void CartpoleSwingupGraphCost_EqualsCartpoleSwingupCost_AroundTheCircleAndAlongTheTrack()
    {
        var parameters = new CartpoleSwingupParameters { PoleLength = 0.8, MaxForce = 7, ControlCostWeight = 0.02 };
        var truth = new CartpoleSwingupCost(parameters.Cost);
        var graphCost = truth.GraphForm;
        Assert.NotNull(graphCost);
        var rng = new Random(10);
        const int n = 600;
        var obs = new float[n * 5];
        var act = new float[n];
        for (int i = 0; i < n; i++)
        {
            double th = rng.NextDouble() * 2 * Math.PI - Math.PI;
            obs[i * 5] = (float)(rng.NextDouble() * 6 - 3);
            obs[i * 5 + 1] = (float)Math.Cos(th);
            obs[i * 5 + 2] = (float)Math.Sin(th);
            obs[i * 5 + 3] = (float)(rng.NextDouble() * 4 - 2);
            obs[i * 5 + 4] = (float)(rng.NextDouble() * 10 - 5);
            act[i] = (float)(rng.NextDouble() * 20 - 10); // beyond the limit too
        }
        obs[0] = 0; obs[1] = 1; obs[2] = 0; // upright over the origin: the best state

        var g = new Robotics.Core.Onnx.OnnxGraphBuilder("cost");
        g.Output("cost", graphCost!.Build(g, g.Input("obs", ["N", 5]), g.Input("action", ["N", 1])), ["N"]);
        var got = Run(g.ToModel().Serialize(), ("obs", obs, [n, 5]), ("action", act, [n, 1]))["cost"];
        var expected = Enumerable.Range(0, n).Select(i => truth.Cost(obs.AsSpan(i * 5, 5), act.AsSpan(i, 1))).ToArray();
        Close(expected, got, 1e-6f, "cartpole-swingup cost");
    }

    [Fact]
    public void Atan2_MatchesMathAtan2_ForEveryQuadrantAndAxis()
    {
        float[] ys = [0, 1, -1, 0.5f, -0.5f, 1e-6f, -1e-6f, 3, -3, 0, 0, 1, -1];
        float[] xs = [1, 0, 0, -0.5f, -0.5f, -1, -1, 1e-6f, -1e-6f, -2, 0, 1, -1];
        var g = new Robotics.Core.Onnx.OnnxGraphBuilder("atan2");
        var y = g.Input("y", [ys.Length]);
        var x = g.Input("x", [xs.Length]);
        g.Output("th", OnnxMath.Atan2(g, y, x), [ys.Length]);
        var got = Run(g.ToModel().Serialize(), ("y", ys, [ys.Length]), ("x", xs, [xs.Length]))["th"];
        for (int i = 0; i < ys.Length; i++)
            Assert.True(Math.Abs(MathF.Atan2(ys[i], xs[i]) - got[i]) <= 1e-6f, $"atan2({ys[i]}, {xs[i]}): expected {MathF.Atan2(ys[i], xs[i])}, got {got[i]}");
    }

    [Fact]
    public void EnsembleParameters_RejectMismatchedShapes_WithAClearMessage()
    {
        var p = ReferenceEnsemble.Small(false);
        var e = Assert.Throws<ArgumentException>(() => new EnsembleParameters(3, 1, p.Members, [4, 16, 16, 6],
            [p.Weights[0], p.Weights[1]], [p.Biases[0], p.Biases[1]], p.InputMean, p.InputStd, p.OutputMean, p.OutputStd, false));
        Assert.Contains("expected 3 weight and bias arrays", e.Message);
    }

    [Fact]
    public void FlopsPerSample_IsTwiceInTimesOutPerLayerPerMember()
    {
        var p = EnsembleParameters.CreateRandom(3, 1, 5, [200, 200, 200], 6, false, new Random(0));
        Assert.Equal(5L * 2 * (4 * 200 + 200 * 200 + 200 * 200 + 200 * 6), p.FlopsPerSample);
    }
}
