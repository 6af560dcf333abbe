namespace Robotics.Core.Tests.Testing;

/// <summary>The shared allocation helper: forgives a one-off allocation, never a per-call one.</summary>
public sealed class SteadyStateAllocationTests
{
    private byte[]? _sink; // kept in a field so the JIT cannot drop the allocation

    [Fact]
    public void AWindowThatAllocatesEveryCall_ReportsItsBytes_AfterTryingEveryWindow()
    {
        Action window = () => _sink = new byte[64];
        long bytes = SteadyStateAllocation.Bytes(window, out int ran);
        Assert.True(bytes >= 64, $"{bytes} B");
        Assert.Equal(3, ran);
        Assert.NotNull(_sink);
    }

    [Fact]
    public void AWindowThatAllocatesOnlyOnItsFirstCall_ReportsZero()
    {
        bool first = true;
        Action window = () => { if (first) { first = false; _sink = new byte[64]; } };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window, out int ran));
        Assert.True(ran >= 2, $"ran {ran}");
        Assert.False(first);
    }

    [Fact]
    public void AWindowThatNeverAllocates_ReportsZero()
    {
        int calls = 0;
        Action window = () => calls++;
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));
        Assert.True(calls >= 1);
    }

    [Fact]
    public void AWindowThatAlwaysAllocates_ReportsTheFewestBytesSeen()
    {
        int size = 4096;
        Action window = () => { _sink = new byte[size]; size = 64; };
        long bytes = SteadyStateAllocation.Bytes(window);
        Assert.InRange(bytes, 64, 4095);
    }

    [Fact]
    public async Task AnAsyncWindowThatMeasuresItself_ReportsZeroAtTheFirstCleanWindow_ElseTheFewest()
    {
        long[] reported = [6_656, 0, 99];
        int next = 0;
        Assert.Equal((0L, 2), await SteadyStateAllocation.BytesAsync(() => Task.FromResult(reported[next++])));
        long[] dirty = [500, 120, 300];
        next = 0;
        Assert.Equal((120L, 3), await SteadyStateAllocation.BytesAsync(() => Task.FromResult(dirty[next++])));
    }
}
