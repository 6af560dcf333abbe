using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Drivers.Common;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Serve;
using Xunit.Abstractions;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Property-based fuzzing (CsCheck) of what arrives from the wire, into real components: 10,000 MQTT payloads
/// through the shipped Mosquitto into the virtual robot and into the runtime's driver, and 10,000 serial frames
/// through a socat pty into each. Nothing crashes (the components keep working, no handler fails) and every
/// message lands in exactly one counter.
/// </summary>
public class WireFuzzTests(ITestOutputHelper output)
{
    private const int N = 10_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly byte[][] Templates =
    [
        """{"seq":7,"state_seq":3,"action":[0.5],"ttl_ms":200,"safety":"ok","session":12345}"""u8.ToArray(),
        """{"seq":42,"t":2.1,"obs":[0.99,0.12,-0.4],"reward":-0.02,"terminated":false,"truncated":false,"session":9}"""u8.ToArray(),
        """{"engage":true,"reason":"x"}"""u8.ToArray(),
        """{"step":"release","reason":"x"}"""u8.ToArray(),
    ];

    private static readonly string[] Tokens = ["{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "NaN", "1e39", "-0", "9223372036854775808",
        "\"seq\"", "\"action\"", "\"obs\"", "\"ttl_ms\"", "\"session\"", "\"engage\"", "\"step\"", "\"rearm\"", "\"safety\"", "\"estop\"", "-1", "0.5", "\\u0000"];

    /// <summary>Valid-looking JSON bent out of shape: random bytes, edited templates, token soup, typed fields with hostile values.</summary>
    private static readonly Gen<byte[]> Payload = Gen.Frequency(
        (1, (IGen<byte[]>)Gen.Byte.Array[1, 200]),
        (3, from t in Gen.Int[0, Templates.Length - 1]
            from edits in Gen.Select(Gen.Int[0, 400], Gen.Byte, Gen.Int[0, 2]).Array[1, 6]
            select Edit(Templates[t], edits)),
        (2, from parts in Gen.Int[0, Tokens.Length - 1].Array[1, 40] select Encoding.UTF8.GetBytes(string.Concat(parts.Select(i => Tokens[i])))),
        (3, from seq in Gen.OneOf(Gen.Const("1"), Gen.Long.Select(v => v.ToString()), Gen.Const("1.5"), Gen.Const("\"1\""), Gen.Const("-9e18"))
            from act in Gen.OneOf(Gen.Const("[1]"), Gen.Const("[1,2]"), Gen.Const("[]"), Gen.Const("[\"NaN\"]"), Gen.Const("[1e39]"), Gen.Const("[[1]]"), Gen.Float.Select(f => $"[{f:R}]"))
            from ttl in Gen.OneOf(Gen.Const("200"), Gen.Int.Select(v => v.ToString()), Gen.Const("2147483648"), Gen.Const("null"))
            from session in Gen.OneOf(Gen.Const(""), Gen.ULong.Select(v => $",\"session\":{v}"), Gen.Const(",\"session\":-1"), Gen.Const(",\"session\":\"a\""))
            select Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"state_seq\":{seq},\"action\":{act},\"obs\":{act},\"t\":1,\"ttl_ms\":{ttl}{session}}}")));

    private static byte[] Edit(byte[] template, (int At, byte Value, int Kind)[] edits)
    {
        var b = new List<byte>(template);
        foreach (var (at, value, kind) in edits)
        {
            int i = at % (b.Count + 1);
            if (kind == 0 && i < b.Count) b[i] = value;
            else if (kind == 1) b.Insert(i, value);
            else if (i < b.Count) b.RemoveAt(i);
        }
        return b.Count == 0 ? [0x7B] : [.. b];
    }

    [Fact]
    public async Task TenThousandFuzzedMqttPayloads_IntoTheRobotAndTheRuntime_CrashNothingAndAreEachCounted()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var broker = new ShippedBroker();
        var robotLog = new ListLogger();
        await using var robot = RobotHost.Mqtt(broker.Connection("robot"), new VirtualRobotOptions { EnvId = "pendulum", RobotId = "fz1", Lockstep = true }, robotLog);
        await MqttDriverTests.Eventually(() => robot.Robot.StateSeq > 0, cts.Token);
        var server = (MqttRobotServer)robot.Transport;

        // The runtime's driver on a robot id whose states come from the fuzzer only (after one real spec).
        var fakeRobot = new MqttConnection(broker.Connection("robot"), _ => { }, null, new DriverCounters(), TimeProvider.System, new ListLogger());
        await fakeRobot.ConnectAsync(cts.Token);
        await fakeRobot.PublishAsync("robots/fz2/spec", SpecJson.Serialize(robot.Robot.Spec with { Id = "fz2" }), MqttQualityOfServiceLevel.AtLeastOnce, true, cts.Token);
        var driverLog = new ListLogger();
        var latch = new EStopLatch();
        await using var driver = new MqttRobotDriver(RobotUri.ParseMqtt(broker.Address("controller", "fz2")), TimeProvider.System, driverLog, latch);
        await driver.ConfigureAsync(cts.Token);
        var controller = new MqttConnection(broker.Connection("controller"), _ => { }, null, new DriverCounters(), TimeProvider.System, new ListLogger());
        var op = new MqttConnection(broker.Connection("operator"), _ => { }, null, new DriverCounters(), TimeProvider.System, new ListLogger());
        await controller.ConnectAsync(cts.Token);
        await op.ConnectAsync(cts.Token);

        var scratch = new CommandBuffer(1);
        var state = new StateBuffer(3);
        long estopPayloads = 0;
        int i = 0;
        // QoS 1, one at a time: the broker holds nothing back, so every payload reaches its subscriber.
        Payload.Sample(p =>
        {
            var seq = new ReadOnlySequence<byte>(p);
            // The parsers themselves never throw on any input...
            CommandJson.TryParse(seq, scratch, out _);
            StateJson.Parse(seq, state, out _);
            EStopJson.TryParse(seq, out _);
            EStopJson.TryParseReset(seq, out _, out _);
            // ...and the components get the same bytes over the broker.
            var (conn, topic) = (i++ % 4) switch
            {
                0 => (controller, "robots/fz1/command"),
                1 => (fakeRobot, "robots/fz2/state"),
                2 => (op, "robots/fz1/estop"),
                _ => (op, "robots/fz1/estop/reset"),
            };
            if (conn == op) estopPayloads++;
            conn.PublishAsync(topic, p, MqttQualityOfServiceLevel.AtLeastOnce, false, cts.Token).GetAwaiter().GetResult();
        }, iter: N, threads: 1);

        long RobotCommands() => server.Counters.CommandsRejected + robot.Robot.CommandsReceived + robot.Robot.CommandsOtherSession + robot.Robot.CommandsOutOfOrder;
        long DriverStates() => driver.Counters.StatesAccepted + driver.Counters.StatesRejected + driver.Counters.StatesRepeated;
        await MqttDriverTests.Eventually(() => RobotCommands() == N / 4 && DriverStates() == N / 4 && server.Counters.EStopMessages == estopPayloads, cts.Token);
        output.WriteLine($"robot: commands {server.Counters.CommandsRejected} rejected / {robot.Robot.CommandsReceived} accepted / {robot.Robot.CommandsOtherSession} other session / " +
                         $"{robot.Robot.CommandsOutOfOrder} out of order; e-stop messages {server.Counters.EStopMessages} ({server.Counters.EStopRefused} refused); " +
                         $"runtime: states {driver.Counters.StatesRejected} rejected / {driver.Counters.StatesAccepted} accepted / {driver.Counters.StatesRepeated} repeated");
        Assert.True(server.Counters.CommandsRejected > N / 8, "most fuzzed commands are malformed and counted as such");
        Assert.True(driver.Counters.StatesRejected > N / 8);
        Assert.DoesNotContain(robotLog.Lines.Concat(driverLog.Lines), l => l.Message.Contains("failed"));

        // Both still work: the robot answers a real controller, the runtime reads a real state.
        await Task.Delay(new VirtualRobotOptions { EnvId = "pendulum" }.LeaseTimeout * 1.5, cts.Token); // a fuzzed session's lease runs out
        await using (var real = new MqttRobotDriver(RobotUri.ParseMqtt(broker.Address("controller", "fz1")) with { ConfigureTimeout = TimeSpan.FromSeconds(20) }))
        {
            var spec = await real.ConfigureAsync(cts.Token);
            await real.ActivateAsync(cts.Token);
            // The fuzzed e-stops may have left it latched: the operator resets it, then it steps on commands again.
            await op.PublishAsync("robots/fz1/estop/reset", EStopJson.SerializeReset(EStopAction.Release, "after fuzz"), MqttQualityOfServiceLevel.AtLeastOnce, false, cts.Token);
            await op.PublishAsync("robots/fz1/estop/reset", EStopJson.SerializeReset(EStopAction.ReArm, "after fuzz"), MqttQualityOfServiceLevel.AtLeastOnce, false, cts.Token);
            await MqttDriverTests.Eventually(() => !robot.Robot.EStopEngaged, cts.Token);
            var run = await TestLoop.RunEpisodeAsync(real, spec, _ => 0f, 5, cts.Token);
            Assert.Equal(5, run.States);
        }
        await fakeRobot.PublishAsync("robots/fz2/state", """{"seq":9000000000000,"t":1,"obs":[1,0,0],"session":77}"""u8.ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, false, cts.Token);
        await MqttDriverTests.Eventually(() => driver.Counters.StatesAccepted + driver.Counters.StatesRejected + driver.Counters.StatesRepeated == N / 4 + 1, cts.Token);
        await controller.DisposeAsync();
        await op.DisposeAsync();
        await fakeRobot.DisposeAsync();
    }

    /// <summary>One fuzzed serial block: a well-formed frame of a chosen type with a random payload, the same with its CRC broken, or a block COBS cannot decode.</summary>
    private static Gen<(int Kind, byte Type, byte[] Payload)> Frames(byte[] types) =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, types.Length - 1], Gen.Int[0, 255], Gen.Byte.Array[0, 60])
           .Select(t => (t.Item1 < 6 ? 0 : t.Item1 < 8 ? 1 : 2, t.Item3 % 5 == 0 ? (byte)t.Item3 : types[t.Item2], t.Item4));

    /// <summary>Encodes a fuzzed block onto <paramref name="wire"/>; returns its length.</summary>
    private static int Block((int Kind, byte Type, byte[] Payload) f, uint seq, byte[] wire, float[] fill)
    {
        if (f.Kind == 2)
        {
            // A COBS code pointing past the block's end: undecodable, dropped.
            wire[0] = 0; wire[1] = (byte)(f.Payload.Length + 3); for (int k = 0; k < f.Payload.Length; k++) wire[2 + k] = (byte)(f.Payload[k] | 1); wire[2 + f.Payload.Length] = 0;
            return f.Payload.Length + 3;
        }
        byte[] payload = f.Payload;
        // Half the typed payloads get the type's right length, filled with hostile numbers.
        if (f.Type is (byte)FrameType.State or (byte)FrameType.Command && payload.Length > 0 && payload[0] % 2 == 0)
        {
            int len = f.Type == (byte)FrameType.State ? SerialPayloads.StateLength(3, withSession: payload[0] % 4 == 0) : SerialPayloads.CommandLength(1);
            var p = new byte[len];
            payload.AsSpan(0, Math.Min(payload.Length, len)).CopyTo(p);
            for (int k = 13; k + 4 <= len; k += 4) BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(k), fill[(payload[0] + k) % fill.Length]);
            payload = p;
        }
        int n = FrameCodec.Encode((FrameType)f.Type, seq, payload, wire);
        if (f.Kind == 1)
        {
            // Break the CRC before stuffing, so the block stays one block: re-encode with a wrong checksum.
            var raw = new byte[FrameCodec.MaxRawLength];
            int rn = Cobs.Decode(wire.AsSpan(1, n - 2), raw);
            raw[rn - 1] ^= 0x5A;
            wire[0] = 0;
            int len = Cobs.Encode(raw.AsSpan(0, rn), wire.AsSpan(1));
            wire[1 + len] = 0;
            n = len + 2;
        }
        return n;
    }

    private static readonly float[] Hostile = [0f, 1f, -1f, 2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e38f, -8f, 0.5f, float.Epsilon];

    [Fact]
    public async Task TenThousandFuzzedSerialFrames_IntoTheRobotAndTheRuntime_CrashNothingAndAreEachCounted()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var wire = new byte[FrameCodec.MaxWireLength];

        // Robot side: a fuzzer at the runtime's end of the cable sends commands, e-stops and unknown types.
        using (var pty = new SocatPtyPair())
        {
            await using var robot = RobotHost.Serial(pty.B, lockstep: false, period: TimeSpan.FromMilliseconds(20));
            var server = (SerialRobotServer)robot.Transport;
            var fuzzer = TtyFileTransport.Open(pty.A, 115200);
            var drain = Task.Run(() => { var buf = new byte[4096]; while (!cts.IsCancellationRequested) try { fuzzer.Read(buf); } catch (Exception) { return; } });
            uint seq = 0;
            long expectDropped = 0;
            Frames([(byte)FrameType.Command, (byte)FrameType.EStop, (byte)FrameType.Command, (byte)FrameType.EStop, 0, 7, 200]).Sample(f =>
            {
                if (f.Type is (byte)FrameType.SpecRequest or (byte)FrameType.Spec or (byte)FrameType.State or (byte)FrameType.Heartbeat) f.Type = 9; // not counted by the robot
                if (f.Kind != 0 || f.Type is not ((byte)FrameType.Command or (byte)FrameType.EStop)) expectDropped++;
                fuzzer.Write(wire.AsSpan(0, Block(f, seq++, wire, Hostile)));
            }, iter: N, threads: 1);
            long Counted() => server.Counters.FramesDropped + server.Counters.CommandsRejected + robot.Robot.CommandsReceived + server.Counters.EStopMessages;
            await MqttDriverTests.Eventually(() => Counted() == N, cts.Token);
            output.WriteLine($"robot: frames dropped {server.Counters.FramesDropped} (bad crc {server.Counters.BadCrc}), commands {server.Counters.CommandsRejected} rejected / " +
                             $"{robot.Robot.CommandsReceived} accepted, e-stop frames {server.Counters.EStopMessages}");
            // Exactly the broken and unknown frames were dropped: no handler failed on a well-formed one.
            Assert.Equal(expectDropped, server.Counters.FramesDropped);
            Assert.True(server.Counters.BadCrc > N / 10 && server.Counters.CommandsRejected > 100 && server.Counters.EStopMessages > 100);
            long steps = robot.Robot.Steps;
            await MqttDriverTests.Eventually(() => robot.Robot.Steps > steps + 5, cts.Token); // still stepping
            fuzzer.Close(TimeSpan.FromSeconds(1));
            await drain.WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        }

        // Runtime side: a fuzzer at the robot's end sends one real spec, then states, e-stops and unknown types.
        using (var pty = new SocatPtyPair())
        {
            var log = new ListLogger();
            var latch = new EStopLatch();
            await using var driver = new SerialRobotDriver(RobotUri.ParseSerial($"serial://{pty.A}?baud=115200"), TimeProvider.System, log, latch);
            var fuzzer = TtyFileTransport.Open(pty.B, 115200);
            var drain = Task.Run(() => { var buf = new byte[4096]; while (!cts.IsCancellationRequested) try { fuzzer.Read(buf); } catch (Exception) { return; } });
            var spec = new RobotSpec("fw", "pendulum", new BoxSpace([-1, -1, -8], [1, 1, 8], ["c", "s", "w"]), new BoxSpace([-2], [2], ["u"]), TimeSpan.FromMilliseconds(50), [0f]);
            var configure = driver.ConfigureAsync(cts.Token).AsTask();
            uint seq = 0;
            fuzzer.Write(wire.AsSpan(0, FrameCodec.Encode(FrameType.Spec, seq++, SerialPayloads.WriteSpec(spec), wire)));
            await configure;
            long dropped0 = driver.Counters.FramesDropped;
            long expectDropped = 0;
            Frames([(byte)FrameType.State, (byte)FrameType.EStop, (byte)FrameType.State, (byte)FrameType.EStop, 0, 7, 200]).Sample(f =>
            {
                if (f.Type is (byte)FrameType.SpecRequest or (byte)FrameType.Spec or (byte)FrameType.Command or (byte)FrameType.Heartbeat) f.Type = 9; // not counted by the driver
                if (f.Kind != 0 || f.Type is not ((byte)FrameType.State or (byte)FrameType.EStop)) expectDropped++;
                fuzzer.Write(wire.AsSpan(0, Block(f, seq++, wire, Hostile)));
            }, iter: N, threads: 1);
            long Counted() => driver.Counters.FramesDropped - dropped0 + driver.Counters.StatesAccepted + driver.Counters.StatesRejected + driver.Counters.StatesRepeated + driver.Counters.EStopMessages;
            await MqttDriverTests.Eventually(() => Counted() == N, cts.Token);
            output.WriteLine($"runtime: frames dropped {driver.Counters.FramesDropped - dropped0} (bad crc {driver.Counters.BadCrc}), states {driver.Counters.StatesRejected} rejected / " +
                             $"{driver.Counters.StatesAccepted} accepted / {driver.Counters.StatesRepeated} repeated, e-stop frames {driver.Counters.EStopMessages}");
            Assert.Equal(expectDropped, driver.Counters.FramesDropped - dropped0);
            Assert.True(driver.Counters.StatesRejected > 100 && driver.Counters.EStopMessages > 100);
            Assert.DoesNotContain(log.Lines, l => l.Level == LogLevel.Error);
            Assert.True(latch.IsEngaged, "fuzzed e-stop frames engage (an unreadable one counts as engage); none released the runtime");
            fuzzer.Close(TimeSpan.FromSeconds(1));
            await drain.WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        }
    }
}
