using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class OptionsValidationTests
{
    private static string Error(SafetyGateOptions o, Core.Models.ISafetyPredictor? model = null) =>
        Assert.Throws<ArgumentException>(() => SafetyGate.Create(PendulumSpec(), model, o)).Message;

    [Fact]
    public void Create_Rejects_RateLimitOfWrongLength() =>
        Assert.Contains("needs 1 values", Error(new() { RateLimit = new RateLimitOptions([0.1f, 0.1f]) }));

    [Fact]
    public void Create_Rejects_NonPositiveRateLimit() =>
        Assert.Contains("must be > 0", Error(new() { RateLimit = new RateLimitOptions([0f]) }));

    [Fact]
    public void Create_Rejects_StateLimitsWithoutModel() =>
        Assert.Contains("no model", Error(new() { StateLimits = new StateLimitsOptions([-1f, -1f, -3f], [1f, 1f, 3f]) }));

    [Fact]
    public void Create_Rejects_InvertedSafeSet() =>
        Assert.Contains("invalid bounds", Error(new() { StateLimits = new StateLimitsOptions([-1f, -1f, 3f], [1f, 1f, -3f]) },
                                                FakeEnsembleModel.ActionMagnitude(3, 1, 1.0)));

    [Fact]
    public void Create_Rejects_NonPositiveThresholdFactor() =>
        Assert.Contains("threshold factor", Error(new() { Uncertainty = new UncertaintyVetoOptions(0) }));

    [Theory]
    [InlineData(0.0, 1, "exit fraction")]
    [InlineData(1.5, 1, "exit fraction")]
    [InlineData(0.9, 0, "min veto ticks")]
    public void Create_Rejects_BadHysteresis(double exitFraction, int minTicks, string named) =>
        Assert.Contains(named, Error(new() { Uncertainty = new UncertaintyVetoOptions(1, exitFraction, minTicks) }));

    private static FakeEnsembleModel CalibratedUnder(double exitFraction, int minTicks)
    {
        var card = FakeEnsembleModel.CardFor(3, 1, 1.0);
        return new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); return MathF.Abs(a[0]); })
        {
            Card = card with
            {
                Uncertainty = card.Uncertainty! with
                {
                    Threshold = 1.0, ThresholdMethod = UncertaintyVetoCalibration.Method, TargetFalseVetoRate = 0.005,
                    Hysteresis = new Core.Models.VetoHysteresis(exitFraction, minTicks),
                },
            },
        };
    }

    [Theory]
    [InlineData(0.8, 2, "exit fraction 0.8")]
    [InlineData(0.9, 3, "min veto ticks 3")]
    public void Create_Rejects_HysteresisOtherThanTheCardWasCalibratedUnder(double cardExit, int cardTicks, string named)
    {
        string message = Error(new(), CalibratedUnder(cardExit, cardTicks));   // the gate's default: exit 0.9, 2 ticks
        Assert.Contains("calibrated", message);
        Assert.Contains(named, message);
        Assert.Contains("robotics-train calibrate", message);
    }

    [Fact]
    public void Create_Accepts_TheHysteresisTheCardWasCalibratedUnder_AndAdoptsIt()
    {
        var model = CalibratedUnder(0.8, 3);
        var options = new UncertaintyVetoOptions().WithCalibratedHysteresis(model.Calibration);
        Assert.Equal((0.8, 3), (options.ExitFraction, options.MinVetoTicks));
        var gate = SafetyGate.Create(PendulumSpec(), model, new SafetyGateOptions { Uncertainty = options });
        var check = Assert.IsType<UncertaintyVetoCheck>(gate.Checks.Single(c => c.Check == SafetyCheck.UncertaintyVeto));
        Assert.Equal(0.8, check.ExitThreshold, 5);
        // Without the veto the card's hysteresis is irrelevant.
        Assert.NotNull(SafetyGate.Create(PendulumSpec(), CalibratedUnder(0.5, 7),
                                         new SafetyGateOptions { Enabled = SafetyChecks.All & ~SafetyChecks.UncertaintyVeto }));
    }

    [Fact]
    public void Create_Rejects_NegativeHoldTicks() =>
        Assert.Contains("hold ticks", Error(new() { Fallback = new VetoFallbackOptions(-1) }));

    [Fact]
    public void Create_Rejects_UncalibratedCard() =>
        Assert.Contains("uncertainty p99", Error(new(), FakeEnsembleModel.ActionMagnitude(3, 1, 0.0)));

    [Fact]
    public void Create_Rejects_ModelOfOtherDimensions() =>
        Assert.Contains("obs 4", Error(new(), FakeEnsembleModel.ActionMagnitude(4, 1, 1.0)));

    [Fact]
    public void Create_Rejects_ActionLimitsWiderThanSpaceOrExcludingSafeAction()
    {
        Assert.Contains("wider", Error(new() { ActionLimits = new ActionLimitsOptions([-3f], [2f]) }));
        Assert.Contains("safe action", Error(new() { ActionLimits = new ActionLimitsOptions([0.5f], [2f]) }));
    }

    [Fact]
    public void Create_Rejects_NonPositiveStalenessTimeout() =>
        Assert.Contains("timeout", Error(new() { Staleness = new StalenessOptions(TimeSpan.Zero) }));

    [Fact]
    public void Create_RunsOnlyChecksThatHaveWhatTheyNeed()
    {
        var noModel = SafetyGate.Create(PendulumSpec());
        Assert.Equal(SafetyChecks.InputSanity | SafetyChecks.EStop | SafetyChecks.Staleness | SafetyChecks.ActionLimits,
                     noModel.ActiveChecks);
        var withModel = SafetyGate.Create(PendulumSpec(), FakeEnsembleModel.ActionMagnitude(3, 1, 1.0),
                                          new SafetyGateOptions { RateLimit = new([0.5f]) });
        Assert.Equal(SafetyChecks.All & ~SafetyChecks.StateLimits, withModel.ActiveChecks);
        Assert.Equal(new[] { SafetyCheck.InputSanity, SafetyCheck.EStop, SafetyCheck.Staleness, SafetyCheck.ActionLimits,
                             SafetyCheck.RateLimit, SafetyCheck.ModelOutput, SafetyCheck.UncertaintyVeto },
                     withModel.Checks.Select(c => c.Check));
    }
}
