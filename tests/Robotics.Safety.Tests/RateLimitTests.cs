using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class RateLimitTests
{
    private static GateHarness Limited(float maxDelta) => new(new SafetyGateOptions { RateLimit = new RateLimitOptions([maxDelta]) });

    [Fact]
    public void Gate_LimitsChangePerTick_RelativeToLastCommandSent()
    {
        var h = Limited(0.5f);
        var first = h.Tick(Obs(), [2f]);
        var second = h.Tick(Obs(), [2f]);
        var third = h.Tick(Obs(), [-2f]);

        Assert.Equal([0.5f], first.Action);   // from the safe action 0
        Assert.Equal([1f], second.Action);
        Assert.Equal([0.5f], third.Action);
        Assert.All([first, second, third], c => Assert.Equal(SafetyDecision.Clamped, c.Safety));
        Assert.Equal(3, h.Gate.Snapshot()[SafetyCheck.RateLimit]);
        var e = h.Log.CheckEvents(SafetyCheck.RateLimit).Last();
        Assert.Equal(-3f, e["Value"]);
        Assert.Equal(0.5f, e["Limit"]);
    }

    [Fact]
    public void Gate_RateLimitsFromSafeAction_AfterAFallback()
    {
        var h = Limited(0.5f);
        h.Tick(Obs(), [0.5f]);
        h.Tick(Obs(), [1f]);
        var fallback = h.Tick([float.NaN, 0, 0], [1f]);
        var after = h.Tick(Obs(), [1f]);

        Assert.Equal([0f], fallback.Action);     // stopping is never slowed down
        Assert.Equal([0.5f], after.Action);      // the robot last received 0
    }

    [Fact]
    public void Gate_PassesSmallChanges_Unchanged()
    {
        var h = Limited(0.5f);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.4f]).Safety);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.8f]).Safety);
        Assert.Equal([0.8f], h.Driver.Last.Action);
        Assert.Empty(h.Log.CheckEvents(SafetyCheck.RateLimit));
    }

    [Fact]
    public void Reset_SetsRateLimitReference()
    {
        var h = Limited(0.5f);
        h.Gate.Reset([1.5f]);
        Assert.Equal([2f], h.Tick(Obs(), [2f]).Action);
        h.Gate.Reset();
        Assert.Equal([0.5f], h.Tick(Obs(), [2f]).Action);
    }
}
