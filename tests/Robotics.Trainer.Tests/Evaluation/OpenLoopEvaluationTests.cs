using Robotics.Core.Onnx;
using Robotics.Sim.Environments;
using Robotics.Trainer.Evaluation;

namespace Robotics.Trainer.Tests.Evaluation;

public sealed class OpenLoopEvaluationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-openloop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Pendulum's exact equations as an ONNX step graph: thdot' = clip(thdot + (15 sin th + 3 u) 0.05, -8, 8),
    /// then rotate (cos, sin) by thdot' * 0.05 (angle-sum identities, so no atan2 is needed).
    /// </summary>
    private string ExactPendulumModel(bool frozen = false)
    {
        var g = new OnnxGraphBuilder("step");
        var obs = g.Input("obs", ["N", 3]);
        var act = g.Input("action", ["N", 1]);
        OnnxValue next;
        if (frozen) next = g.Identity(obs);
        else
        {
            var cos = g.Slice(obs, [0], [1], [1]);
            var sin = g.Slice(obs, [1], [2], [1]);
            var thdot = g.Slice(obs, [2], [3], [1]);
            var u = g.Clip(act, -2f, 2f);
            var accel = g.Add(g.Mul(sin, g.Const(15f)), g.Mul(u, g.Const(3f)));
            var newThdot = g.Clip(g.Add(thdot, g.Mul(accel, g.Const(0.05f))), -8f, 8f);
            var d = g.Mul(newThdot, g.Const(0.05f));
            var newCos = g.Sub(g.Mul(cos, g.Cos(d)), g.Mul(sin, g.Sin(d)));
            var newSin = g.Add(g.Mul(sin, g.Cos(d)), g.Mul(cos, g.Sin(d)));
            next = g.Concat(1, newCos, newSin, newThdot);
        }
        g.Output("next_obs", next, ["N", 3]);
        string path = Path.Combine(_dir, frozen ? "frozen.onnx" : "exact.onnx");
        g.ToModel().Save(path);
        return path;
    }

    [Fact]
    public void ExactModel_StaysWithinToleranceForTheWholeHorizon()
    {
        var r = OpenLoopEvaluation.Run(ExactPendulumModel(), s => new Pendulum(s), trials: 20, horizon: 30, tolerance: 0.01, seed: 4);

        Assert.Equal(30, r.MeanStepsWithinTolerance);
        Assert.All(r.MeanErrorPerStep, e => Assert.True(e < 1e-3, $"error {e}"));
        Assert.Equal("pendulum angle error (rad)", r.Metric);
    }

    [Fact]
    public void ModelThatPredictsNoChange_DriftsOutOfTolerance()
    {
        var r = OpenLoopEvaluation.Run(ExactPendulumModel(frozen: true), s => new Pendulum(s), trials: 20, horizon: 30, tolerance: 0.1, seed: 4);

        Assert.True(r.MeanStepsWithinTolerance < 10, $"{r.MeanStepsWithinTolerance} steps");
        Assert.True(r.MeanErrorPerStep[^1] > r.MeanErrorPerStep[0]);
    }
}
