using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Tests.Safety;

public class DisagreementMeasureStudyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void DeployedMeasure_VetoesFarStates_AndFewInRegion_WithThresholdAtOnePercent()
    {
        var ensemble = new EnsembleOptions { Members = 5, Elites = 3, HiddenUnits = 32, HiddenLayers = 2, Epochs = 15, Threads = 1 };
        var rows = DisagreementMeasureStudy.Run("pendulum", seed: 0, transitions: 1500, probes: 600, ensemble);

        foreach (var r in rows) output.WriteLine($"{r.Measure}: threshold {r.Threshold:G4}, false veto {r.FalseVetoRate:P2}, OOD {r.OodVetoRate:P2}");
        Assert.Equal(DisagreementMeasureStudy.Measures, rows.Select(r => r.Measure));
        var deployed = rows[0];
        Assert.InRange(deployed.FalseVetoRate, 0, 0.03);
        Assert.True(deployed.OodVetoRate >= 0.9, $"OOD {deployed.OodVetoRate:P2}");
    }

    [Fact]
    public void Run_Refuses_OodBandInsideTrainingRegion() =>
        Assert.Contains("OOD band start", Assert.Throws<ArgumentException>(() =>
            DisagreementMeasureStudy.Run("pendulum", 0, 200, 200, new EnsembleOptions(), oodFrom: 0.1)).Message);
}
