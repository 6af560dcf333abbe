using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Serve;

namespace Robotics.Drivers.Tests;

/// <summary>The benchmark's bookkeeping (not its numbers: no timing assertions).</summary>
public class LatencyBenchTests
{
    [Fact]
    public void LatencyRecorder_ReportsNearestRankPercentiles()
    {
        var r = new LatencyRecorder(1000, 1000); // ticks are milliseconds here
        for (int i = 100; i >= 1; i--) r.Record(i);
        var s = r.Summarize();
        Assert.Equal((100, 50.0, 99.0, 100.0), (s.Samples, s.MedianMs, s.P99Ms, s.MaxMs));
        r.Clear();
        Assert.True(double.IsNaN(r.PercentileMs(50)));
    }

    [Fact]
    public async Task Bench_OverEmbeddedBroker_CountsExactlyTheMeasuredRoundTrips()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        var robot = new MqttRobotServer(new MqttRobotServerOptions { RobotId = "bench", Connection = new MqttConnectionOptions { Port = broker.Port } },
            TimeProvider.System, new ListLogger());
        await using var driver = new MqttRobotDriver(RobotUri.ParseMqtt($"mqtt://127.0.0.1:{broker.Port}/bench"));
        var r = await LatencyBench.RunAsync("embedded", robot, driver, 100, 20, TimeProvider.System, new ListLogger(), cts.Token);
        Assert.Equal(100, r.StateToCommand.Samples);
        Assert.Equal(100, r.StateToWrite.Samples);
        Assert.True(r.StateToCommand.MedianMs > 0 && r.StateToCommand.P99Ms >= r.StateToCommand.MedianMs);
        Assert.Equal(0, r.Rejected);
    }

    [Fact]
    public async Task Bench_OverSerialPty_CountsExactlyTheMeasuredRoundTrips()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var pty = new SocatPtyPair();
        var robot = new SerialRobotServer(new SerialLinkOptions { PortPath = pty.B }, TimeProvider.System, new ListLogger());
        await using var driver = new SerialRobotDriver(RobotUri.ParseSerial($"serial://{pty.A}"));
        var r = await LatencyBench.RunAsync("serial", robot, driver, 100, 20, TimeProvider.System, new ListLogger(), cts.Token);
        Assert.Equal(100, r.StateToCommand.Samples);
        Assert.Equal(0, r.Rejected);
    }
}
