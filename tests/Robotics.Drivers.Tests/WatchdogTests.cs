using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class WatchdogTests
{
    [Fact]
    public void Watchdog_ReportsStale_AfterTimeout_AndCountsEachOutageOnce()
    {
        var time = new FakeTimeProvider();
        var counters = new DriverCounters();
        var log = new ListLogger();
        var dog = new StateWatchdog(new StateWatchdogOptions(TimeSpan.FromMilliseconds(150)), time, counters, log);
        var s = new StateBuffer(1);
        Assert.False(dog.IsFresh(s)); // never received

        s.ReceivedTimestamp = time.GetTimestamp();
        Assert.True(dog.IsFresh(s));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(dog.IsFresh(s));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(dog.IsFresh(s));
        for (int i = 0; i < 10; i++) { time.Advance(TimeSpan.FromMilliseconds(50)); Assert.False(dog.IsFresh(s)); }
        Assert.Equal(1, counters.StaleEvents);
        Assert.True(log.Contains(LogLevel.Warning, "no fresh state"));

        s.ReceivedTimestamp = time.GetTimestamp();
        Assert.True(dog.IsFresh(s));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(dog.IsFresh(s));
        Assert.Equal(2, counters.StaleEvents);
    }

    [Fact]
    public void Watchdog_CheckAllocatesNothing()
    {
        var time = new FakeTimeProvider();
        var dog = new StateWatchdog(new StateWatchdogOptions(TimeSpan.FromMilliseconds(150)), time, new DriverCounters(), new ListLogger());
        var s = new StateBuffer(1) { ReceivedTimestamp = time.GetTimestamp() };
        dog.IsFresh(s);
        Action window = () => { for (int i = 0; i < 1000; i++) dog.IsFresh(s); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
