using Robotics.Core.Robots;

namespace Robotics.Core.Tests.Robots;

public class LatestStateTests
{
    [Fact]
    public async Task TryRead_NeverReturnsATornState_WhilePublishesRace()
    {
        // Every published state carries its own seq in every field, so a copy that mixed two publishes shows.
        // The writer goes on until the reader has read many times: on a loaded machine it could otherwise
        // finish before the reader ran at all, and the test would race nothing.
        const int dims = 512, minPublishes = 100_000, minReads = 200;
        var slot = new LatestState(dims);
        int reads = 0;
        int published = 0;
        var writer = Task.Run(() =>
        {
            var s = new StateBuffer(dims);
            int i = 0;
            while (++i <= minPublishes || Volatile.Read(ref reads) < minReads)
            {
                s.Seq = i; s.Time = i; s.Reward = i;
                Array.Fill(s.Obs, i);
                slot.Publish(s);
                Volatile.Write(ref published, i);
            }
        });

        var dst = new StateBuffer(dims);
        long last = long.MinValue;
        while (!writer.IsCompleted || slot.Seq > last)
        {
            if (!slot.TryRead(dst, last)) continue;
            Assert.True(dst.Seq > last, "a read returns a newer state than asked for");
            Assert.Equal(dst.Seq, dst.Time);
            Assert.Equal(dst.Seq, dst.Reward);
            Assert.All(dst.Obs, v => Assert.Equal(dst.Seq, v));
            last = dst.Seq;
            Interlocked.Increment(ref reads);
        }
        await writer;
        Assert.Equal(Volatile.Read(ref published), last);
        Assert.True(reads >= minReads);
    }

    [Fact]
    public void TryRead_AllocatesNothing()
    {
        var slot = new LatestState(3);
        var s = new StateBuffer(3) { Seq = 1 };
        slot.Publish(s);
        var dst = new StateBuffer(3);
        slot.TryRead(dst, 0);
        Action window = () => { for (int i = 0; i < 1000; i++) slot.TryRead(dst, 0); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));
    }

    [Fact]
    public void Publish_AllocatesNothing_WhenNobodyWaits()
    {
        var slot = new LatestState(4);
        var s = new StateBuffer(4);
        s.Seq = 1;
        slot.Publish(s);
        long seq = 1;
        Action window = () => { for (int i = 0; i < 1000; i++) { s.Seq = ++seq; slot.Publish(s); } }; // fresh seqs every window
        Assert.Equal(0, SteadyStateAllocation.Bytes(window, out int ran));
        Assert.Equal(1 + 1000 * ran, slot.Seq);

    }

    [Fact]
    public async Task ConcurrentPublishers_NeverInterleaveTheirCopies()
    {
        const int dims = 256, each = 20_000;
        var slot = new LatestState(dims);
        Task Writer(int sign) => Task.Run(() =>
        {
            var s = new StateBuffer(dims);
            for (int i = 1; i <= each; i++)
            {
                s.Seq = i; s.Time = sign * i;
                Array.Fill(s.Obs, sign * i);
                slot.Publish(s);
            }
        });
        Task a = Writer(1), b = Writer(-1);
        var dst = new StateBuffer(dims);
        while (!(a.IsCompleted && b.IsCompleted))
        {
            if (!slot.TryRead(dst, long.MinValue)) continue;
            float first = dst.Obs[0];
            Assert.All(dst.Obs, v => Assert.Equal(first, v));
            Assert.Equal(dst.Time, first);
        }
        await Task.WhenAll(a, b);
    }

    [Fact]
    public async Task WaitAsync_IsWokenByEveryPublish_WithoutLosingOneThatRacesTheRegistration()
    {
        var slot = new LatestState(1);
        var s = new StateBuffer(1);
        for (int i = 1; i <= 500; i++)
        {
            var wait = slot.WaitAsync(i - 1, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None).AsTask();
            s.Seq = i;
            await Task.Run(() => slot.Publish(s));
            Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)), $"publish {i} did not wake its waiter");
        }
    }

    [Fact]
    public async Task WaitAsync_TimesOut_WithoutANewerState()
    {
        var slot = new LatestState(1);
        slot.Publish(new StateBuffer(1) { Seq = 3 });
        Assert.True(await slot.WaitAsync(2, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
        Assert.False(await slot.WaitAsync(3, TimeSpan.FromMilliseconds(30), TimeProvider.System, CancellationToken.None));
    }
}
