using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class ActionLimitsTests
{
    [Theory]
    [InlineData(5f, 2f)]
    [InlineData(-3f, -2f)]
    [InlineData(float.PositiveInfinity, 2f)]
    public void Gate_ClampsOutOfBoundsAction_AndReportsClamped(float proposed, float expected)
    {
        var h = new GateHarness();
        var sent = h.Tick(Obs(), [proposed]);

        Assert.Equal([expected], sent.Action);
        Assert.Equal(SafetyDecision.Clamped, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.ActionLimits]);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.ActionLimits));
        Assert.Equal(proposed, e["Value"]);
        Assert.Equal(expected, e["Limit"]);
    }

    [Fact]
    public void Gate_ClampsToConfiguredLimits_TighterThanActionSpace()
    {
        var h = new GateHarness(new SafetyGateOptions { ActionLimits = new ActionLimitsOptions([-0.5f], [1f]) });
        Assert.Equal([1f], h.Tick(Obs(), [1.9f]).Action);
        Assert.Equal([-0.5f], h.Tick(Obs(), [-1.9f]).Action);
    }

    [Fact]
    public void Gate_SendsSafeAction_WhenProposalIsNaN()
    {
        var h = new GateHarness();
        var sent = h.Tick(Obs(), [float.NaN]);
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Single(h.Log.CheckEvents(SafetyCheck.ActionLimits));
    }

    [Fact]
    public void Gate_RefusesNonFiniteAction_EvenWithLimitChecksDisabled()
    {
        var spec = PendulumSpec() with { ActionSpace = new([float.NegativeInfinity], [float.PositiveInfinity], ["torque"]) };
        var h = new GateHarness(new SafetyGateOptions { Enabled = SafetyChecks.None }, spec: spec);
        var sent = h.Tick(Obs(), [float.PositiveInfinity]);
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.ActionLimits]);
    }
}
