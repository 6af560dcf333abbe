using Robotics.Drivers.Resilience;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class ReconnectPipelineTests
{
    private static readonly ReconnectOptions Quick = new() { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task Pipeline_RetriesFailures_IncludingALibrarysOwnTimeoutCancellation()
    {
        var pipeline = ReconnectPipeline.Create(Quick, TimeProvider.System, new ListLogger(), "test");
        int attempts = 0;
        await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            if (attempts == 1) throw new IOException("refused");
            if (attempts == 2) throw new TaskCanceledException("client-side connect timeout");
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Pipeline_StopsRetrying_WhenTheCallerCancels()
    {
        var pipeline = ReconnectPipeline.Create(Quick, TimeProvider.System, new ListLogger(), "test");
        using var cts = new CancellationTokenSource();
        int attempts = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            if (++attempts == 3) cts.Cancel();
            throw new IOException("refused");
        }, cts.Token));
        Assert.Equal(3, attempts);
    }
}
