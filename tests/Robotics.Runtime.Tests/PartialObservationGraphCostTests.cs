using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

/// <summary>The position-only tasks' ONNX costs (what the fused PETS rollout plans with) equal their C# costs.</summary>
public sealed class PartialObservationGraphCostTests
{
    [Theory]
    [InlineData("pendulum-pos")]
    [InlineData("cartpole-swingup-pos")]
    public void GraphCost_EqualsTheCSharpCost_OnVisitedStates(string id)
    {
        var env = EnvironmentRegistry.Create(id, seed: 4);
        int od = env.ObservationSpace.Dimension;
        const int n = 400;
        var obs = new float[n * od];
        var act = new float[n];
        var rng = new Random(8);
        var o = new float[od];
        env.Reset(null, o);
        for (int i = 0; i < n; i++)
        {
            act[i] = (float)(rng.NextDouble() * 3 - 1.5) * env.ActionSpace.High[0];
            if (env.Step(act.AsSpan(i, 1), o).Done) env.Reset(null, o);
            o.CopyTo(obs, i * od);
        }
        var gc = env.Cost.GraphForm!;
        var g = new OnnxGraphBuilder("cost");
        g.Output("cost", gc.Build(g, g.Input("obs", ["N", od]), g.Input("action", ["N", 1])), ["N"]);
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(g.ToModel().Serialize(), so);
        using var a = OrtValue.CreateTensorValueFromMemory(obs, [n, od]);
        using var b = OrtValue.CreateTensorValueFromMemory(act, [n, 1]);
        using var ro = new RunOptions();
        using var outs = session.Run(ro, ["obs", "action"], [a, b], ["cost"]);
        float[] got = outs[0].GetTensorDataAsSpan<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            float expected = env.Cost.Cost(obs.AsSpan(i * od, od), act.AsSpan(i, 1));
            Assert.True(Math.Abs(expected - got[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected)), $"{id} row {i}: {got[i]} vs {expected}");
        }
    }
}
