using Robotics.Core.Models;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Session;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Safety.Checks;

namespace Robotics.Runtime.Tests;

/// <summary>The uncertainty veto runs under the hysteresis its threshold was calibrated with (card uncertainty.hysteresis).</summary>
public class DeploymentHysteresisTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>The shipped model with its card's calibration recorded under exit fraction 0.8 and 3 ticks.</summary>
    private string ModelCalibratedUnder(double exitFraction, int minTicks)
    {
        var file = ModelFile.Read(ShippedModel.Locate());
        var u = file.Card.Uncertainty!;
        string path = Path.Combine(_dir.Path, "m.onnx");
        file.WithCard(file.Card with { Uncertainty = u with { Hysteresis = new VetoHysteresis(exitFraction, minTicks) } }, path);
        return path;
    }

    private static SessionOptions Options(string model, SafetyGateOptions? gate = null) => new()
    {
        ModelPath = model, Robot = "sim:pendulum", Realtime = false, Gate = GateKind.Safety, SafetyOptions = gate,
    };

    [Fact]
    public void DefaultGate_AdoptsTheCardsCalibratedHysteresis()
    {
        string model = ModelCalibratedUnder(0.8, 3);
        using var parts = Deployment.CreateParts(Options(model), ModelFiles.PendulumSpec(), new SessionServices());
        var gate = Assert.IsType<SafetyGate>(parts.Gate);
        var veto = Assert.IsType<UncertaintyVetoCheck>(gate.Checks.Single(c => c.Check == SafetyCheck.UncertaintyVeto));
        Assert.Equal((0.8, 3), (veto.Options.ExitFraction, veto.Options.MinVetoTicks));
    }

    [Fact]
    public void ExplicitGateOptions_WithAnotherHysteresis_AreRefusedWithOneMessage()
    {
        string model = ModelCalibratedUnder(0.8, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            Deployment.CreateParts(Options(model, new SafetyGateOptions()), ModelFiles.PendulumSpec(), new SessionServices()));
        Assert.Contains("calibrated", e.Message);
        Assert.Contains("exit fraction 0.8, min veto ticks 3", e.Message);
        Assert.Contains("gate runs exit fraction 0.9, min veto ticks 2", e.Message);
    }
}
