using Robotics.Core.Robots;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Tests;

public class LatestStateTests
{
    [Fact]
    public async Task TryRead_NeverReturnsATornState_WhilePublishesRace()
    {
        // Every published state carries its own seq in every field, so a copy that mixed two publishes shows.
        const int dims = 512, publishes = 100_000;
        var slot = new LatestState(dims);
        var writer = Task.Run(() =>
        {
            var s = new StateBuffer(dims);
            for (int i = 1; i <= publishes; i++)
            {
                s.Seq = i; s.Time = i; s.Reward = i;
                Array.Fill(s.Obs, i);
                slot.Publish(s);
            }
        });

        var dst = new StateBuffer(dims);
        long last = long.MinValue;
        int reads = 0;
        while (!writer.IsCompleted || slot.Seq > last)
        {
            if (!slot.TryRead(dst, last)) continue;
            reads++;
            Assert.True(dst.Seq > last, "a read returns a newer state than asked for");
            Assert.Equal(dst.Seq, dst.Time);
            Assert.Equal(dst.Seq, dst.Reward);
            Assert.All(dst.Obs, v => Assert.Equal(dst.Seq, v));
            last = dst.Seq;
        }
        await writer;
        Assert.Equal(publishes, last);
        Assert.True(reads > 1);
    }

    [Fact]
    public void TryRead_AllocatesNothing()
    {
        var slot = new LatestState(3);
        var s = new StateBuffer(3) { Seq = 1 };
        slot.Publish(s);
        var dst = new StateBuffer(3);
        slot.TryRead(dst, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) slot.TryRead(dst, 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
