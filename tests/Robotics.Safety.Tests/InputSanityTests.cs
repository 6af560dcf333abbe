using Robotics.Core.Robots;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class InputSanityTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(9f)] // theta_dot outside [-8, 8]
    public void Gate_SendsSafeAction_WhenObservationIsNotFiniteOrOutsideSpace(float thdot)
    {
        var h = new GateHarness();
        var sent = h.Tick([1f, 0f, thdot], [1.5f]);

        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.InputSanity]);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.InputSanity));
        Assert.Equal(2, e["Dim"]);
        Assert.Equal(SafetyDecision.Fallback, e["Decision"]);
        Assert.Equal(h.State.Seq, e["StateSeq"]);
    }

    [Fact]
    public void Gate_PassesAction_WhenObservationIsSane()
    {
        var h = new GateHarness();
        var sent = h.Tick(Obs(), [1.5f]);

        Assert.Equal([1.5f], sent.Action);
        Assert.Equal(SafetyDecision.Ok, sent.Safety);
        Assert.DoesNotContain(h.Log.Events, e => e.Id.Id == 6001);
    }

    [Fact]
    public void Gate_AcceptsSlightOvershoot_WithinTolerance()
    {
        var h = new GateHarness(new SafetyGateOptions { InputSanity = new(Tolerance: 1e-3f) });
        Assert.Equal(SafetyDecision.Ok, h.Tick([1.0005f, 0f, 0f], [1f]).Safety);
        Assert.Equal(SafetyDecision.Fallback, h.Tick([1.01f, 0f, 0f], [1f]).Safety);
    }
}
