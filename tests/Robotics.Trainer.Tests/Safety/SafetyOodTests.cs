using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Safety;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>
/// Issue 6's out-of-distribution criterion on the deployment path, small: a PETS ensemble trained only on
/// pendulum transitions with |theta_dot| &lt; 2, exported to ONNX, loaded by the runtime's OnnxWorldModel
/// and judged by the safety gate on random torques.
/// </summary>
public class SafetyOodTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Gate_VetoesRandomActionsAtFastStates_AndRarelyAtSlowOnes_WithModelTrainedOnSlowPendulum()
    {
        string path = Path.Combine(Path.GetTempPath(), $"robotics-safety-ood-{Guid.NewGuid():N}.onnx");
        try
        {
            var options = new SafetyOodOptions
            {
                TrainTransitions = 2000,
                ProbeStates = 300,
                ActionsPerState = 4,
                ThresholdFactors = [1.0, 1.5, 2.0],
                Seed = 0,
                Ensemble = new EnsembleOptions { Members = 5, Elites = 3, HiddenUnits = 64, HiddenLayers = 2, Epochs = 40, Seed = 0, Threads = 1 },
            };

            var result = SafetyOodMeasurement.Run(options, path);

            foreach (var row in result.Rows)
                output.WriteLine($"factor {row.Factor}: threshold {row.Threshold:G4}, OOD {row.OutOfDistribution}, in-distribution {row.InDistribution}");
            Assert.True(File.Exists(path));
            Assert.Equal(3, result.Rows.Count);
            foreach (var row in result.Rows)
            {
                Assert.Equal((float)(result.Card.Uncertainty!.VetoThreshold * row.Factor), row.Threshold, 5);
                Assert.Equal(1200, row.OutOfDistribution.Samples);
                Assert.True(row.OutOfDistribution.Rate >= 0.95, $"factor {row.Factor}: OOD {row.OutOfDistribution}");
            }
            // A higher threshold never vetoes more.
            Assert.True(result.Rows[0].InDistribution.Rate >= result.Rows[1].InDistribution.Rate);
            Assert.True(result.Rows[1].InDistribution.Rate >= result.Rows[2].InDistribution.Rate);
            Assert.True(result.Rows[1].MeetsCriterion, $"factor 1.5: OOD {result.Rows[1].OutOfDistribution}, in {result.Rows[1].InDistribution}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PendulumOodData_KeepsEveryModelInputInsideTheRegion()
    {
        var data = PendulumOodData.Transitions(500, 2f, seed: 1);
        Assert.Equal(500, data.Count);
        Assert.All(data, t => Assert.InRange(MathF.Abs(t.Obs[2]), 0f, 2f));
        Assert.All(data, t => Assert.InRange(t.Action[0], -2f, 2f));
        var probes = PendulumOodData.States(200, 6f, 8f, seed: 2);
        Assert.All(probes, s => Assert.InRange(MathF.Abs(s[2]), 6f, 8f));
    }

    [Theory]
    [InlineData("--factors", "1,abc")]
    [InlineData("--out", "model.txt")]
    [InlineData("--transitions", "5")]
    public void SafetyOodCommand_RejectsBadArguments_WithUsageError(string option, string value)
    {
        var r = TrainerCli.Run("safety-ood", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error:", r.Stderr.Trim());
    }
}
