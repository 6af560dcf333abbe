using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Runtime.Tests.Plugins;

namespace Robotics.Runtime.Tests.Service;

/// <summary>The systemd side: READY, then WATCHDOG pings only while the loop meets its deadlines.</summary>
public sealed class WatchdogTests
{
    /// <summary>The linear test policy, made as slow as the test says (0: not slowed).</summary>
    internal sealed class SlowablePolicyFactory(Func<int> delayMs) : IControllerFactory
    {
        public string Kind => LinearPolicyFactory.KindName;
        public string Describe(ModelCard card) => "test linear policy, slowable";
        public IController Create(ControllerContext c) => new Slow(new LinearPolicyFactory().Create(c), delayMs);

        private sealed class Slow(IController inner, Func<int> delayMs) : IController
        {
            public int ActDim => inner.ActDim;
            public ReadOnlySpan<float> Candidates => inner.Candidates;
            public void Reset() => inner.Reset();
            public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => inner.Observe(sent, decision);
            public void Dispose() => inner.Dispose();

            public void Act(ReadOnlySpan<float> obs, Span<float> action)
            {
                if (delayMs() is > 0 and var ms) Thread.Sleep(ms);
                inner.Act(obs, action);
            }
        }
    }

    [Fact]
    public async Task Watchdog_ReadyThenPings_AndPingsStop_WhenThePlannerMissesEveryDeadline()
    {
        using var dir = new TempDir();
        int delay = 0;
        var registry = ControllerRegistry.CreateDefault().Add(new SlowablePolicyFactory(() => Volatile.Read(ref delay)));
        string model = LinearPolicyFactory.Write(dir.Path, [-2f, -8f, -1f]);
        await using var rig = await ServiceRig.StartAsync(model, registry, watchdog: TimeSpan.FromMilliseconds(800));

        await ServiceRig.Until(() => rig.State.Metrics.StatesAnswered > 40, TimeSpan.FromSeconds(60), "40 answered states");
        await ServiceRig.Until(() => rig.Notifications.Count(n => n.Message == "WATCHDOG=1") >= 4, TimeSpan.FromSeconds(10), "4 watchdog pings");
        var messages = rig.Notifications;
        Assert.StartsWith("READY=1", messages[0].Message);
        Assert.True(messages.FindIndex(n => n.Message == "WATCHDOG=1") > 0);

        // A planner of 120 ms against a 50 ms period: every tick overruns, so the pings stop.
        Volatile.Write(ref delay, 120);
        await ServiceRig.Until(() => rig.State.Metrics.Overruns >= 5, TimeSpan.FromSeconds(20), "overruns with the slow planner");
        await Task.Delay(500);   // the interval in which the slowdown began may still ping
        DateTime from = DateTime.UtcNow;
        long answeredFrom = rig.State.Metrics.StatesAnswered;
        await Task.Delay(2000);   // five half-intervals
        Assert.True(rig.State.Metrics.StatesAnswered > answeredFrom, "the loop kept answering (slowly)");
        Assert.DoesNotContain(rig.Notifications, n => n.Message == "WATCHDOG=1" && n.At >= from);

        // Fast again: pings resume.
        Volatile.Write(ref delay, 0);
        DateTime back = DateTime.UtcNow;
        await ServiceRig.Until(() => rig.Notifications.Any(n => n.Message == "WATCHDOG=1" && n.At > back), TimeSpan.FromSeconds(10), "pings resumed");
    }
}
