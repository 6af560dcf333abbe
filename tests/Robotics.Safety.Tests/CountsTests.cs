using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class CountsTests
{
    [Fact]
    public void Snapshot_CountsDecisionsAndChecks_AndSinceGivesPerEpisodeCounts()
    {
        var h = new GateHarness(new SafetyGateOptions { RateLimit = new RateLimitOptions([1f]) });
        h.Tick(Obs(), [0.5f]);             // ok
        h.Tick(Obs(), [5f]);               // clamped by box and rate
        var episode1 = h.Gate.Snapshot();
        h.Tick([float.NaN, 0, 0], [0f]);   // fallback
        h.EStop.Engage("test");
        h.Tick(Obs(), [0f]);               // estop
        var delta = h.Gate.Snapshot().Since(episode1);

        Assert.Equal(2, episode1.Ticks);
        Assert.Equal(1, episode1[SafetyDecision.Ok]);
        Assert.Equal(1, episode1[SafetyDecision.Clamped]);
        Assert.Equal(1, episode1[SafetyCheck.ActionLimits]);
        Assert.Equal(1, episode1[SafetyCheck.RateLimit]);
        Assert.Equal(2, delta.Ticks);
        Assert.Equal(2, delta.NotOk);
        Assert.Equal(1, delta[SafetyCheck.InputSanity]);
        Assert.Equal(1, delta[SafetyCheck.EStop]);
        Assert.Equal(0, delta[SafetyCheck.RateLimit]);
        Assert.Contains("estop 1", delta.ToString());
        Assert.Contains("input_sanity 1", delta.ToString());
    }

    [Fact]
    public void NotOk_MatchesTheCommandsDriverReceivedWithNonOkDecision()
    {
        var h = new GateHarness(new SafetyGateOptions { RateLimit = new RateLimitOptions([0.3f]) });
        var rng = new Random(7);
        for (int i = 0; i < 100; i++) h.Tick(Obs(thdot: (float)(rng.NextDouble() * 20 - 10)), [(float)(rng.NextDouble() * 6 - 3)]);
        Assert.Equal(h.Driver.Received.Count(c => c.Safety != SafetyDecision.Ok), h.Gate.Snapshot().NotOk);
    }

    [Fact]
    public void ResetCounters_ZeroesEverything()
    {
        var h = new GateHarness();
        h.Tick(Obs(), [5f]);
        h.Gate.ResetCounters();
        var s = h.Gate.Snapshot();
        Assert.Equal(0, s.Ticks);
        Assert.Equal(0, s[SafetyCheck.ActionLimits]);
        Assert.Equal(0, s[SafetyDecision.Clamped]);
    }
}
