using Robotics.Core.Tasks;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Trainer.Tests.Onnx;

namespace Robotics.Trainer.Tests.Export;

/// <summary>Debian's python3-onnx full checker accepts core's step graph and both fused rollout layouts.</summary>
public sealed class EnsembleGraphCheckerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("graphs-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData("step", false)]
    [InlineData("unrolled", false)]
    [InlineData("loop", false)]
    [InlineData("unrolled", true)]
    [InlineData("loop", true)]
    public void PythonChecker_AcceptsEnsembleGraphs(string kind, bool learnedReward)
    {
        var p = EnsembleParameters.CreateRandom(3, 1, 3, [16, 16], learnedReward ? 8 : 6, learnedReward, new Random(1));
        var cost = new RolloutCostOptions { Analytic = learnedReward ? null : new PendulumGraphCost(), UncertaintyLambda = 1, ActionRateWeight = 0.1f };
        var model = kind switch
        {
            "step" => EnsembleStepGraph.Build(p),
            "loop" => EnsembleRolloutGraph.Build(p, 5, cost, form: EnsembleRolloutGraph.Form.Loop),
            _ => EnsembleRolloutGraph.Build(p, 5, cost),
        };
        string path = Path.Combine(_dir, $"{kind}.onnx");
        model.Save(path);
        Assert.StartsWith("ok 8 17", PythonOnnxChecker.Check(path));
    }
}
