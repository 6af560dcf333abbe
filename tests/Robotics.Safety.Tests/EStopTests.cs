using Robotics.Core.Robots;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class EStopTests
{
    [Fact]
    public void Gate_SendsOnlySafeAction_WhileEStopEngaged()
    {
        var h = new GateHarness();
        h.EStop.Engage("operator");
        for (int i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(50));
            var sent = h.Tick(Obs(), [1.5f]);
            Assert.Equal([0f], sent.Action);
            Assert.Equal(SafetyDecision.EStop, sent.Safety);
        }
        Assert.Equal(5, h.Gate.Snapshot()[SafetyCheck.EStop]);
        Assert.Equal(5, h.Log.CheckEvents(SafetyCheck.EStop).Count());
    }

    [Fact]
    public void Gate_StaysStopped_WithFreshStatesButNoReleaseRequest()
    {
        var h = new GateHarness();
        h.EStop.Engage("mqtt");
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(50));
            Assert.Equal(SafetyDecision.EStop, h.Tick(Obs(), [1f]).Safety);
        }
        Assert.True(h.EStop.IsEngaged);
    }

    [Fact]
    public void Gate_Releases_OnlyAfterExplicitRequestAndAStateNewerThanIt()
    {
        var h = new GateHarness();
        h.EStop.Engage("serial");
        h.Tick(Obs(), [1f]);

        // A state that arrived before the release request does not release.
        h.Time.Advance(TimeSpan.FromMilliseconds(10));
        h.Tick(Obs(), [1f]);                     // arrives now
        h.Time.Advance(TimeSpan.FromMilliseconds(10));
        h.EStop.RequestRelease(h.Time.GetTimestamp());
        Assert.True(h.EStop.ReArm(h.Time.GetTimestamp()));
        var held = h.Tick(Obs(), [1f], fresh: false);
        Assert.Equal(SafetyDecision.EStop, held.Safety);
        Assert.Equal([0f], held.Action);

        // The next state, arriving after the request, releases; the proposal goes out on that very tick.
        h.Time.Advance(TimeSpan.FromMilliseconds(10));
        var released = h.Tick(Obs(), [1f]);
        Assert.Equal(SafetyDecision.Ok, released.Safety);
        Assert.Equal([1f], released.Action);
        Assert.False(h.EStop.IsEngaged);
        Assert.Single(h.Log.Events, e => e.Id.Id == 6002);
        Assert.Equal(3, h.Gate.Snapshot()[SafetyCheck.EStop]);
    }

    [Fact]
    public void Gate_StaysStopped_WhenEngagedAgainAfterReleaseRequest()
    {
        var h = new GateHarness();
        h.EStop.Engage("first");
        h.EStop.RequestRelease(h.Time.GetTimestamp());
        h.EStop.Engage("second");
        h.Time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(SafetyDecision.EStop, h.Tick(Obs(), [1f]).Safety);
        Assert.True(h.EStop.IsEngaged);
    }

    [Fact]
    public void Latch_IgnoresStaleReleaseRequest_FromEarlierEngagement()
    {
        var latch = new EStopLatch();
        latch.Engage("a");
        latch.RequestRelease(100);
        latch.Engage("b"); // clears the pending request; a later timestamp must not revive it
        Assert.False(latch.TryCompleteRelease(200));
        Assert.True(latch.IsEngaged);
        latch.RequestRelease(300);
        Assert.False(latch.TryCompleteRelease(400)); // requested, not re-armed
        Assert.True(latch.ReArm(300));
        Assert.False(latch.TryCompleteRelease(300)); // strictly newer required
        Assert.True(latch.TryCompleteRelease(301));
        Assert.False(latch.IsEngaged);
    }

    [Fact]
    public void Latch_NeedsRequestThenReArm_AndARequestExpiresAfterItsWindow()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var latch = new EStopLatch(time, TimeSpan.FromSeconds(5));
        latch.Engage("a");
        Assert.False(latch.ReArm(time.GetTimestamp()));           // re-arm without a request
        latch.RequestRelease(time.GetTimestamp());
        Assert.Equal(EStopStage.ReleaseRequested, latch.Stage);
        Assert.False(latch.TryCompleteRelease(time.GetTimestamp() + 1)); // step 1 alone releases nothing
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(latch.ReArm(time.GetTimestamp()));           // expired
        Assert.Equal(EStopStage.Engaged, latch.Stage);
        latch.RequestRelease(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(latch.ReArm(time.GetTimestamp()));
        Assert.True(latch.TryCompleteRelease(time.GetTimestamp() + 1));
        Assert.Equal(EStopStage.Released, latch.Stage);
    }

    [Fact]
    public void Latch_WithAFile_StartsEngagedAfterARestart_UntilReArmed()
    {
        string file = Path.Combine(Path.GetTempPath(), $"estop-{Guid.NewGuid():N}");
        try
        {
            new EStopLatch(persistFile: file).Engage("pressed before power loss");
            var restarted = new EStopLatch(persistFile: file);
            Assert.True(restarted.IsEngaged);
            Assert.Contains("pressed before power loss", restarted.Reason);
            restarted.RequestRelease(10);
            Assert.True(restarted.ReArm(11));
            Assert.False(File.Exists(file));
            Assert.False(new EStopLatch(persistFile: file).IsEngaged);
        }
        finally { File.Delete(file); }
    }
}
