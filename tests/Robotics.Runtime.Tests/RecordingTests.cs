using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Core.Episodes;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

/// <summary>The episode in progress reaches the Parquet folder in chunks, and whole on a stop.</summary>
public sealed class RecordingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rec-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>PD policy that runs a hook before step <c>at</c> (blocking the loop, as a slow plan would).</summary>
    private sealed class HookPolicy(int at, Action hook) : IController
    {
        private readonly PdPolicy _pd = new();
        public int Calls { get; private set; }
        public int ActDim => 1;
        public void Reset() => _pd.Reset();
        public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
        public void Dispose() { }
        public void Act(ReadOnlySpan<float> obs, Span<float> action)
        {
            if (++Calls == at) hook();
            _pd.Act(obs, action);
        }
    }

    private async Task<(ControlLoop Loop, LockstepEnvDriver Driver)> Loop(IController policy)
    {
        var driver = new LockstepEnvDriver(new Pendulum());
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var loop = new ControlLoop(driver, spec, policy, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 500 }, TimeProvider.System);
        return (loop, driver);
    }

    private List<string> Names() => EpisodeFiles.List(_dir).Select(f => Path.GetFileName(f)!).ToList();

    [Fact]
    public async Task RunEpisode_WritesPartsWhileTheEpisodeRuns_ThenOneFileThatReplacesThem()
    {
        List<string>? seenMidway = null;
        var policy = new HookPolicy(100, () =>
        {
            // Hold the loop at step 100 until the flusher has written the first 99 transitions.
            var until = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < until && EpisodeReader.ReadDirectory(_dir).Count < 99) Thread.Sleep(5);
            seenMidway = Names();
        });
        var (loop, _) = await Loop(policy);
        using var sink = new ParquetEpisodeSink(_dir, new EpisodeWriterOptions { Durable = false }, TimeSpan.FromMilliseconds(20));

        var report = await loop.RunEpisodeAsync(3, sink, default);

        Assert.NotNull(seenMidway);
        Assert.NotEmpty(seenMidway!);
        Assert.All(seenMidway!, n => Assert.StartsWith("episode-000003.part-", n));
        Assert.Equal(["episode-000003.parquet"], Names());
        var rows = EpisodeReader.ReadDirectory(_dir);
        Assert.Equal(report.Steps, rows.Count);
        Assert.Equal(Enumerable.Range(0, rows.Count), rows.Select(r => r.Step));
    }

    [Fact]
    public async Task RunEpisode_Cancelled_HandsOverEveryTransitionSoFar_LastOneTruncated()
    {
        using var cts = new CancellationTokenSource();
        var (loop, _) = await Loop(new HookPolicy(60, cts.Cancel));
        using var sink = new ParquetEpisodeSink(_dir, new EpisodeWriterOptions { Durable = false });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop.RunEpisodeAsync(0, sink, cts.Token));

        Assert.Equal(["episode-000000.parquet"], Names());
        var rows = EpisodeReader.ReadDirectory(_dir);
        // 60 commands went out; the 60th transition's next state had arrived when the stop was seen.
        Assert.Equal(60, rows.Count);
        Assert.Equal(Enumerable.Range(0, 60), rows.Select(r => r.Step));
        Assert.True(rows[^1].Truncated);
        Assert.All(rows.SkipLast(1), r => Assert.False(r.Truncated || r.Terminated));
    }

    [Fact]
    public async Task Sink_NextEpisodeId_ContinuesAFolderWrittenBefore()
    {
        var (loop, _) = await Loop(new PdPolicy());
        using (var first = new ParquetEpisodeSink(_dir, new EpisodeWriterOptions { Durable = false }))
        {
            Assert.Equal(0, first.NextEpisodeId);
            await loop.RunEpisodeAsync(first.NextEpisodeId, first, default);
            await loop.RunEpisodeAsync(first.NextEpisodeId, first, default);
        }
        using var second = new ParquetEpisodeSink(_dir, new EpisodeWriterOptions { Durable = false });

        Assert.Equal(2, second.NextEpisodeId);
        await loop.RunEpisodeAsync(second.NextEpisodeId, second, default);
        Assert.Equal(["episode-000000.parquet", "episode-000001.parquet", "episode-000002.parquet"], Names());
    }
}
