using System.Collections.Concurrent;
using System.Net;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Drivers.Common;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

/// <summary>
/// The control loop's Write must return while the driver's sender/writer thread is stuck on the network
/// or the device, allocate nothing, and leave the newest command to go out once the thread resumes.
/// </summary>
public class WriteNeverWaitsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const int Warmup = 100, Measured = 1_000;

    private static readonly RobotSpec Spec = new("w", "pendulum", new BoxSpace([-1, -1, -8], [1, 1, 8], ["c", "s", "w"]),
        new BoxSpace([-2], [2], ["u"]), TimeSpan.FromMilliseconds(50), [0f]);

    /// <summary>Writes Warmup commands, then windows of Measured (see <see cref="SteadyStateAllocation"/>), numbered from <paramref name="first"/> (in StateSeq and Seq); returns the bytes the measured ones allocated.</summary>
    private static long WriteMany(IRobotDriver driver, long first, out long last)
    {
        var command = new CommandBuffer(1) { TtlMs = 60_000 };
        long seq = first;
        for (int i = 0; i < Warmup; i++, seq++) { command.Seq = seq; command.StateSeq = seq; command.Action[0] = 0.001f * i; driver.Write(command); }
        Action window = () => { for (int i = 0; i < Measured; i++, seq++) { command.Seq = seq; command.StateSeq = seq; command.Action[0] = 0.001f * i; driver.Write(command); } };
        long allocated = SteadyStateAllocation.Bytes(window);

        last = seq - 1;
        return allocated;
    }

    [Fact]
    public async Task Mqtt_WriteWhileTheSenderIsParkedInAPublish_Returns_AllocatesNothing_AndTheNewestCommandGoesNext()
    {
        using var cts = new CancellationTokenSource(Timeout);
        int port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port).Build());
        // The broker holds the first command's QoS 1 publish (no PUBACK) until released: the driver's sender
        // thread is parked in PublishAsync meanwhile.
        var seen = new ConcurrentQueue<long>();
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parsed = new CommandBuffer(1);
        server.InterceptingPublishAsync += async e =>
        {
            if (e.ApplicationMessage.Topic != "robots/pk/command") return;
            Assert.True(CommandJson.TryParse(e.ApplicationMessage.Payload, parsed));
            seen.Enqueue(parsed.Seq);
            if (seen.Count == 1)
            {
                firstArrived.TrySetResult();
                await release.Task.WaitAsync(Timeout);
            }
        };
        await server.StartAsync();
        try
        {
            await using (var robot = new MqttConnection(new MqttConnectionOptions { Port = port, ClientId = "spec-publisher" }, _ => { }, null, new DriverCounters(), TimeProvider.System, new ListLogger()))
            {
                await robot.ConnectAsync(cts.Token);
                await robot.PublishAsync("robots/pk/spec", SpecJson.Serialize(Spec), MqttQualityOfServiceLevel.AtLeastOnce, true, cts.Token);
            }
            var o = RobotUri.ParseMqtt($"mqtt://127.0.0.1:{port}/pk");
            o = o with { Connection = o.Connection with { ClientId = "controller" }, Qos = o.Qos with { Command = MqttQualityOfServiceLevel.AtLeastOnce } };
            await using var driver = new MqttRobotDriver(o, TimeProvider.System, new ListLogger());
            await driver.ConfigureAsync(cts.Token);
            await driver.ActivateAsync(cts.Token);

            driver.Write(new CommandBuffer(1) { Seq = 1, StateSeq = 1, TtlMs = 60_000 });
            await firstArrived.Task.WaitAsync(cts.Token);

            long allocated = WriteMany(driver, 2, out long last);

            Assert.Equal([1L], seen.ToArray());  // every Write above returned while the sender was still parked
            Assert.Equal(0, allocated);
            release.TrySetResult();
            await MqttDriverTests.Eventually(() => seen.Count >= 2 && driver.Counters.CommandsSent >= 2, cts.Token);
            Assert.Equal(last, seen.ToArray()[1]); // latest wins: every command in between (1,099 or more) was replaced

            Assert.Equal(0, driver.Counters.CommandsDropped);
            await driver.ShutdownAsync(cts.Token);
            await MqttDriverTests.Eventually(() => seen.Count >= 3, cts.Token);
            Assert.Equal(3, seen.Count); // the two above and the safe action the shutdown sends last
        }
        finally
        {
            release.TrySetResult();
            await server.StopAsync(new MqttServerStopOptions());
            server.Dispose();
        }
    }

    [Fact]
    public async Task Serial_WriteWhileTheWriterIsBlockedOnTheDevice_Returns_AllocatesNothing_AndTheNewestCommandGoesNext()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var device = new FakeSerialDevice(Spec);
        await using var driver = new SerialRobotDriver(RobotUri.ParseSerial("serial:///dev/fake-w"), TimeProvider.System, new ListLogger(), null, _ => device);
        await driver.ConfigureAsync(cts.Token);
        await driver.ActivateAsync(cts.Token);

        device.HoldNextCommand();
        driver.Write(new CommandBuffer(1) { StateSeq = 1, TtlMs = 60_000 });
        Assert.True(device.WriterHeld.Wait(Timeout), "the writer never wrote the first command");

        long allocated = WriteMany(driver, 2, out long last);

        Assert.Equal([1L], device.CommandStateSeqs); // every Write above returned while the writer was blocked in the device
        Assert.Equal(0, allocated);
        device.ReleaseWriter();
        await MqttDriverTests.Eventually(() => device.CommandStateSeqs.Length >= 2 && driver.Counters.CommandsSent >= 2, cts.Token);
        Assert.Equal(last, device.CommandStateSeqs[1]); // latest wins
        Assert.Equal(0, driver.Counters.CommandsDropped);
        await driver.ShutdownAsync(cts.Token);
        Assert.Equal(2, device.CommandStateSeqs.Length);
    }

    [Fact]
    public async Task Serial_ExpiredCommand_IsDroppedByTheWriter_NotSent()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var device = new FakeSerialDevice(Spec);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var driver = new SerialRobotDriver(RobotUri.ParseSerial("serial:///dev/fake-t"), time, new ListLogger(), null, _ => device);
        var configure = driver.ConfigureAsync(cts.Token).AsTask();
        while (!configure.IsCompleted) { time.Advance(TimeSpan.FromMilliseconds(250)); await Task.Delay(5, cts.Token); }
        await configure;
        await driver.ActivateAsync(cts.Token);

        device.HoldNextCommand();
        driver.Write(new CommandBuffer(1) { StateSeq = 1, TtlMs = 100 });
        Assert.True(device.WriterHeld.Wait(Timeout));
        driver.Write(new CommandBuffer(1) { StateSeq = 2, TtlMs = 100 });
        time.Advance(TimeSpan.FromMilliseconds(101)); // command 2 expires while the device holds the writer
        device.ReleaseWriter();
        await MqttDriverTests.Eventually(() => driver.Counters.CommandsDropped >= 1, cts.Token);
        driver.Write(new CommandBuffer(1) { StateSeq = 3, TtlMs = 100 });
        await MqttDriverTests.Eventually(() => device.CommandStateSeqs.Length >= 2, cts.Token);
        Assert.Equal([1L, 3L], device.CommandStateSeqs);
        Assert.Equal(1, driver.Counters.CommandsDropped);
    }

    [Fact]
    public async Task Serial_IdleWriter_IsWokenByAControlFrame_BeforeItsNextHeartbeatIsDue()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var device = new FakeSerialDevice(Spec);
        var o = RobotUri.ParseSerial("serial:///dev/fake-e");
        o = o with { Link = o.Link with { HeartbeatPeriod = TimeSpan.FromSeconds(10) } };
        await using var driver = new SerialRobotDriver(o, TimeProvider.System, new ListLogger(), null, _ => device);
        await driver.ConfigureAsync(cts.Token);
        await MqttDriverTests.Eventually(() => device.Count(FrameType.Heartbeat) >= 1, cts.Token); // the first goes at once
        await Task.Delay(50, cts.Token); // let the writer park on its 10 s heartbeat wait

        driver.SendEStop(Robotics.Drivers.Common.EStopAction.Engage, "operator");
        await MqttDriverTests.Eventually(() => device.Count(FrameType.EStop) == 1, cts.Token);

        // Woken by the post, not by the heartbeat timeout (10 s away): no second heartbeat came first.
        Assert.Equal(1, device.Count(FrameType.Heartbeat));
    }
}
