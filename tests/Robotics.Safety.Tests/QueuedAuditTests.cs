using Robotics.Core.Robots;
using Robotics.Safety.Audit;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class QueuedAuditTests
{
    private static GateHarness Queued(int capacity = 64) =>
        new(new SafetyGateOptions { Audit = new SafetyAuditOptions(SafetyAuditMode.Queued, capacity) });

    [Fact]
    public void QueuedAudit_LogsNothingOnTheLoop_AndEverythingOnDrain()
    {
        var h = Queued();
        h.Tick(Obs(), [5f]);
        h.Tick([float.NaN, 0, 0], [0f]);
        Assert.DoesNotContain(h.Log.Events, e => e.Id.Id == 6001);

        Assert.Equal(2, h.Gate.DrainAudit());

        Assert.Single(h.Log.CheckEvents(SafetyCheck.ActionLimits));
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.InputSanity));
        Assert.Equal(h.Time.GetUtcNow(), e["Time"]);
        Assert.Equal(0, h.Gate.DrainAudit());
    }

    [Fact]
    public void QueuedAudit_CountsDroppedEvents_WhenFull_AndNeverBlocks()
    {
        var h = Queued(capacity: 4);
        for (int i = 0; i < 10; i++) h.Tick(Obs(), [5f]);
        Assert.Equal(6, h.Gate.Snapshot().AuditDropped);
        Assert.Equal(4, h.Gate.DrainAudit());
        Assert.Equal(10, h.Gate.Snapshot()[SafetyCheck.ActionLimits]); // counters never drop
        Assert.Contains("audit dropped 6", h.Gate.Snapshot().ToString());
    }

    [Fact]
    public async Task AuditPump_DrainsOnEachIntervalAndOnCancel()
    {
        var h = Queued();
        using var cts = new CancellationTokenSource();
        var pump = h.Gate.RunAuditPumpAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        h.EStop.Engage("pump");
        h.Tick(Obs(), [1f]);
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitUntil(() => h.Log.CheckEvents(SafetyCheck.EStop).Any());
        h.EStop.RequestRelease(h.Time.GetTimestamp());
        h.EStop.ReArm(h.Time.GetTimestamp());
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [1f]).Safety);
        cts.Cancel();
        await pump;
        Assert.Single(h.Log.Events, e => e.Id.Id == 6002);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
