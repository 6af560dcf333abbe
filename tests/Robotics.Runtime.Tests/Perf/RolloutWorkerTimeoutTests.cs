using System.Diagnostics;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Tests.Perf;

public class RolloutWorkerTimeoutTests
{
    [Fact]
    public void Score_WorkerStalledPastItsBound_ThrowsTimeout_ThenRecoversWithTheSameScores()
    {
        const int count = 32, horizon = 5;
        using var models = new SmallEnsembleModels(true, count);
        using var rollout = models.Rollout(horizon, new CostSettings(), threads: 2);
        Assert.Equal(2, rollout.Shards);
        var seq = new float[count * horizon];
        for (int i = 0; i < seq.Length; i++) seq[i] = MathF.Sin(i * 0.37f);
        float[] obs0 = [0.9f, 0.1f, 0.3f];
        float[] expected = new float[count], actual = new float[count];
        rollout.Score(obs0, seq, count, [0f], expected);

        using var release = new ManualResetEventSlim(false);
        int calls = 0;
        rollout.BeforeWorkerRun = () => { if (Interlocked.Increment(ref calls) == 1) release.Wait(TimeSpan.FromSeconds(10)); };
        // The default bound is 2 s; a stalled worker must not hold the caller longer than that.
        var sw = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => rollout.Score(obs0, seq, count, [0f], actual));
        Assert.InRange(sw.Elapsed.TotalSeconds, 1.9, 3.0);
        // Still winding down: refuses at once instead of sharing the worker's buffers.
        Assert.Throws<InvalidOperationException>(() => rollout.Score(obs0, seq, count, [0f], actual));

        release.Set();
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try { rollout.Score(obs0, seq, count, [0f], actual); break; }
            catch (InvalidOperationException) when (DateTime.UtcNow < until) { Thread.Sleep(10); }
        }
        Assert.Equal(expected, actual);
    }
}
