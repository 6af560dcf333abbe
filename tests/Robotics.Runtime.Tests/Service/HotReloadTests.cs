using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Service;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Runtime.Tests.Plugins;

namespace Robotics.Runtime.Tests.Service;

/// <summary>Hot reload during a real-time run (20 Hz virtual robot over MQTT).</summary>
public sealed class HotReloadTests
{
    [Fact]
    public async Task Reload_SwapsASecondModelMidRun_WithoutAMissedTick_BehindTheGate_AndRefusesBadModels()
    {
        using var dir = new TempDir();
        var registry = LinearPolicyFactory.Registry();
        string first = LinearPolicyFactory.Write(dir.Path, [-2f, -8f, -1f]);
        string second = LinearPolicyFactory.Write(dir.Path, [-1f, -6f, -0.5f]);
        string nan = LinearPolicyFactory.Write(dir.Path, [float.NaN, 0f, 0f]);
        string wrongSpaces = LinearPolicyFactory.Write(dir.Path, [-2f, -8f, -1f],
            c => c with { ObservationSpace = new CardSpace(["x", "y", "z"], [-1f, -1f, -8f], [1f, 1f, 8f]) });
        await using var rig = await ServiceRig.StartAsync(first, registry,
            service: new ServiceOptions { RetryDelay = TimeSpan.FromMilliseconds(200), Reload = new ReloadOptions { Watch = false } });
        LoopMetrics m = rig.State.Metrics;
        await ServiceRig.Until(() => m.StatesAnswered > 60, TimeSpan.FromSeconds(60), "60 answered states");
        string firstDigest = rig.State.Model!.Digest;

        // Swap mid-run: every robot state around it is answered (no seq gap), none late, none answered safe by the loop.
        long missed = m.StatesMissed, deadline = m.DeadlineMisses, stale = m.StaleSafeActions, answered = m.StatesAnswered;
        ReloadResult ok = await rig.Reloader.ReloadAsync(second, "test", CancellationToken.None);
        await Task.Delay(500);   // ten more ticks under the new model
        Assert.True(ok.Swapped, ok.Detail);
        Assert.Equal((0L, 0L, 0L), (m.StatesMissed - missed, m.DeadlineMisses - deadline, m.StaleSafeActions - stale));
        Assert.True(m.StatesAnswered - answered >= 8, $"{m.StatesAnswered - answered} states answered across the swap");
        Assert.NotEqual(firstDigest, ok.Digest);
        Assert.Equal(ok.Digest, rig.State.Model!.Digest);
        string exposition = PrometheusExposition.Write(rig.State, rig.Health);
        Assert.Contains($"robotics_model_info{{kind=\"{LinearPolicyFactory.KindName}\",algo=\"test\",digest=\"{ok.Digest}\"}} 1", exposition);
        Assert.Contains("robotics_model_reloads_total{result=\"swapped\"} 1", exposition);

        // Every command went through a gate: the new one has been deciding since the swap, and the old one's counts are kept.
        var (_, byDecision) = rig.State.GateTotals();
        long decided = byDecision.Sum();
        Assert.True(decided >= m.StatesAnswered, $"{decided} gate decisions for {m.StatesAnswered} answered states");
        Assert.True(rig.State.Deployment!.Gate.Snapshot().Ticks >= 8, "the new gate vetted the commands after the swap");
        Assert.True(rig.Robot.LastCommand.Action.All(float.IsFinite));

        // Bad models are refused; the second keeps running.
        ReloadResult nanResult = await rig.Reloader.ReloadAsync(nan, "test", CancellationToken.None);
        Assert.False(nanResult.Swapped);
        Assert.Contains("non-finite action", nanResult.Detail);
        ReloadResult spaces = await rig.Reloader.ReloadAsync(wrongSpaces, "test", CancellationToken.None);
        Assert.False(spaces.Swapped);
        Assert.Contains("cos_theta", spaces.Detail);
        Assert.Equal(ok.Digest, rig.State.Model!.Digest);
        long after = m.StatesAnswered;
        await Task.Delay(300);
        Assert.True(m.StatesAnswered > after, "the running model still answers");
        Assert.Contains("robotics_model_reloads_total{result=\"refused\"} 2", PrometheusExposition.Write(rig.State, rig.Health));

        // Rollback puts the first model back.
        ReloadResult back = await rig.Reloader.RollbackAsync(CancellationToken.None);
        Assert.True(back.Swapped, back.Detail);
        Assert.Equal(firstDigest, rig.State.Model!.Digest);
    }
}
