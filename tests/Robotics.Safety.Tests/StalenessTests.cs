using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class StalenessTests
{
    [Fact]
    public void Gate_SendsSafeAction_WhenStateOlderThanTimeout()
    {
        var h = new GateHarness(new SafetyGateOptions { Staleness = new StalenessOptions(TimeSpan.FromMilliseconds(150)) });
        Assert.Equal([1f], h.Tick(Obs(), [1f]).Action);

        h.Time.Advance(TimeSpan.FromMilliseconds(151));
        var stale = h.Tick(Obs(), [1f], fresh: false);

        Assert.Equal([0f], stale.Action);
        Assert.Equal(SafetyDecision.Fallback, stale.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.Staleness]);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.Staleness));
        Assert.Equal(151f, (float)e["Value"]!, 3);
        Assert.Equal(150f, (float)e["Limit"]!, 3);
    }

    [Fact]
    public void Gate_PassesAction_AtExactlyTheTimeout_AndAfterAFreshState()
    {
        var h = new GateHarness(new SafetyGateOptions { Staleness = new StalenessOptions(TimeSpan.FromMilliseconds(150)) });
        h.Tick(Obs(), [0.5f]);
        h.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.5f], fresh: false).Safety);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SafetyDecision.Fallback, h.Tick(Obs(), [0.5f], fresh: false).Safety);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.5f]).Safety);
    }

    [Fact]
    public void Gate_DefaultTimeout_IsThreeControlPeriods()
    {
        var h = new GateHarness();
        var check = Assert.IsType<StalenessCheck>(h.Gate.Checks.Single(c => c.Check == SafetyCheck.Staleness));
        Assert.Equal(TimeSpan.FromMilliseconds(150), check.Options.Timeout);
    }
}
