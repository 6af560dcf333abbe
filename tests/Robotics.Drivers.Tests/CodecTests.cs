using System.Buffers;
using System.Text;
using System.Text.Json;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Drivers.Common;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;

namespace Robotics.Drivers.Tests;

public class CodecTests
{
    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Crc16CcittFalse_MatchesTheCatalogueCheckValue()
    {
        Assert.Equal(0x29B1, Crc16CcittFalse.Compute("123456789"u8));
        Assert.Equal(0xFFFF, Crc16CcittFalse.Compute([]));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, new byte[] { 0x01, 0x01 })]
    [InlineData(new byte[] { 0x11, 0x22, 0x00, 0x33 }, new byte[] { 0x03, 0x11, 0x22, 0x02, 0x33 })]
    [InlineData(new byte[] { 0x11, 0x00, 0x00, 0x00 }, new byte[] { 0x02, 0x11, 0x01, 0x01, 0x01 })]
    public void Cobs_EncodesTheReferenceVectors(byte[] raw, byte[] encoded)
    {
        var dst = new byte[Cobs.MaxEncodedLength(raw.Length)];
        int n = Cobs.Encode(raw, dst);
        Assert.Equal(encoded, dst[..n]);
        var back = new byte[raw.Length];
        Assert.Equal(raw.Length, Cobs.Decode(encoded, back));
        Assert.Equal(raw, back);
    }

    [Fact]
    public void Cobs_RoundTripsRandomBlocks_IncludingLongRunsWithoutZeros()
    {
        var rng = new Random(7);
        foreach (int len in new[] { 1, 253, 254, 255, 256, 508, 1031 })
        {
            var raw = new byte[len];
            rng.NextBytes(raw);
            if (len % 2 == 0) Array.Fill(raw, (byte)0x55); // a run longer than 254 non-zero bytes
            var enc = new byte[Cobs.MaxEncodedLength(len)];
            int n = Cobs.Encode(raw, enc);
            Assert.DoesNotContain((byte)0, enc[..n]);
            var dec = new byte[len];
            Assert.Equal(len, Cobs.Decode(enc.AsSpan(0, n), dec));
            Assert.Equal(raw, dec);
        }
    }

    [Fact]
    public void FrameCodec_ProducesTheDocumentedHeartbeatFrame()
    {
        // docs/PROTOCOL.md's worked example: heartbeat, seq 1, status online.
        Span<byte> wire = stackalloc byte[32];
        int n = FrameCodec.Encode(FrameType.Heartbeat, 1, [0x00], wire);
        byte[] raw = [0x06, 0x01, 0x00, 0x00, 0x00, 0x00];
        ushort crc = Crc16CcittFalse.Compute(raw);
        Assert.Equal(0x29A0, crc);
        Assert.Equal(new byte[] { 0x00, 0x03, 0x06, 0x01, 0x01, 0x01, 0x01, 0x03, 0xA0, 0x29, 0x00 }, wire[..n].ToArray());
    }

    [Fact]
    public void FrameCodec_ProducesTheDocumentedStateFrame()
    {
        // docs/PROTOCOL.md's second worked example: frame seq 7, state_seq 1, t = 50 ms, reward -0.5, obs [1, 0, 0.25].
        var s = new StateBuffer(3) { Seq = 1, Time = 0.05, Reward = -0.5f };
        s.Obs[0] = 1f; s.Obs[1] = 0f; s.Obs[2] = 0.25f;
        var payload = new byte[SerialPayloads.StateLength(3)];
        SerialPayloads.WriteState(payload, s);
        var wire = new byte[64];
        int n = FrameCodec.Encode(FrameType.State, 7, payload, wire);
        Assert.Equal("00 03 03 07 01 01 01 02 01 01 01 02 32 01 01 01 01 01 02 bf 01 03 80 3f 01 01 01 01 01 05 80 3e 4d 29 00",
            string.Join(' ', wire[..n].Select(b => b.ToString("x2"))));
    }

    [Fact]
    public void FrameDecoder_DropsGarbageAndBadCrc_AndResynchronises()
    {
        var counters = new DriverCounters();
        var decoder = new FrameDecoder(counters);
        var got = new List<(FrameType, uint, byte[])>();
        FrameHandler h = (t, s, p) => got.Add((t, s, p.ToArray()));
        var wire = new List<byte>();
        void Frame(FrameType t, uint seq, byte[] payload)
        {
            var b = new byte[FrameCodec.MaxWireLength];
            int n = FrameCodec.Encode(t, seq, payload, b);
            wire.AddRange(b[..n]);
        }
        wire.AddRange(new byte[] { 0x13, 0x37, 0xFF, 0x42 });          // line noise before anything
        Frame(FrameType.Heartbeat, 1, [0]);
        var bad = new byte[64];
        int bn = FrameCodec.Encode(FrameType.Heartbeat, 2, [0], bad);
        bad[2] ^= 0x10;                                                 // one flipped bit in the type byte: the CRC catches it
        wire.AddRange(bad[..bn]);
        wire.AddRange(new byte[] { 0x05, 0x01, 0x02 });                 // a truncated frame, no delimiter...
        Frame(FrameType.EStop, 3, [1, (byte)'x']);                     // ...the leading 0x00 here saves this one
        wire.AddRange(new byte[] { 0x00, 0x02, 0x07, 0x00 });           // COBS-valid but too short
        Frame(FrameType.Heartbeat, 5, [2]);
        // Feed in awkward chunks to exercise partial blocks.
        var all = wire.ToArray();
        for (int i = 0; i < all.Length; i += 3) decoder.Feed(all.AsSpan(i, Math.Min(3, all.Length - i)), h);

        Assert.Equal([FrameType.Heartbeat, FrameType.EStop, FrameType.Heartbeat], got.Select(g => g.Item1));
        Assert.Equal([1u, 3u, 5u], got.Select(g => g.Item2));
        Assert.Equal(new byte[] { 1, (byte)'x' }, got[1].Item3);
        Assert.Equal(1, counters.BadCrc);
        Assert.True(counters.FramesDropped >= 3, $"dropped {counters.FramesDropped}");
        Assert.Equal(2, counters.SequenceGaps); // 1 -> 3 and 3 -> 5
    }

    [Fact]
    public void StateJson_ParsesAllFields_AndIgnoresUnknownOnes()
    {
        var s = new StateBuffer(3);
        var why = StateJson.Parse(Bytes("""{"seq":42,"t":1.5,"obs":[0.5,-0.25,3],"extra":{"a":[1]},"reward":-1.25,"terminated":false,"truncated":true}"""), s);
        Assert.Equal(StateRejection.None, why);
        Assert.Equal(42, s.Seq);
        Assert.Equal(1.5, s.Time);
        Assert.Equal([0.5f, -0.25f, 3f], s.Obs);
        Assert.Equal(-1.25f, s.Reward);
        Assert.False(s.Terminated);
        Assert.True(s.Truncated);
        Assert.Null(s.CommandOnTime);
    }

    [Fact]
    public void StateJson_OnTime_RoundTrips_AndIsUnknownWhenAbsent()
    {
        var s = new StateBuffer(3);
        foreach (bool? onTime in new bool?[] { true, false, null })
        {
            var sent = new StateBuffer(3) { Seq = 7, Time = 0.35, CommandOnTime = onTime };
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buffer)) StateJson.Write(w, sent);
            string json = Encoding.UTF8.GetString(buffer.WrittenSpan);
            Assert.Equal(onTime is not null, json.Contains("\"on_time\"", StringComparison.Ordinal));
            s.CommandOnTime = !onTime ?? true;   // a value the parse must overwrite
            Assert.Equal(StateRejection.None, StateJson.Parse(new ReadOnlySequence<byte>(buffer.WrittenMemory), s));
            Assert.Equal(onTime, s.CommandOnTime);
        }
        Assert.Equal(StateRejection.Malformed, StateJson.Parse(Bytes("""{"seq":1,"t":0,"obs":[1,2,3],"on_time":1}"""), s));
    }

    [Theory]
    [InlineData("""{"seq":1,"t":0,"obs":[1,2,3]""", StateRejection.Malformed)]
    [InlineData("""not json""", StateRejection.Malformed)]
    [InlineData("""{"t":0,"obs":[1,2,3]}""", StateRejection.Malformed)]
    [InlineData("""{"seq":"1","t":0,"obs":[1,2,3]}""", StateRejection.Malformed)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,2,3]} trailing""", StateRejection.Malformed)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,2]}""", StateRejection.WrongLength)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,2,3,4]}""", StateRejection.WrongLength)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,"NaN",3]}""", StateRejection.NonFinite)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,null,3]}""", StateRejection.NonFinite)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,1e40,3]}""", StateRejection.NonFinite)]
    [InlineData("""{"seq":1,"t":0,"obs":[1,2,3],"reward":"NaN"}""", StateRejection.NonFinite)]
    public void StateJson_RejectsBadStates_WithTheReason(string json, StateRejection expected)
    {
        Assert.Equal(expected, StateJson.Parse(Bytes(json), new StateBuffer(3)));
    }

    [Fact]
    public void StateJson_ParseAllocatesNothing()
    {
        var payload = Bytes("""{"seq":42,"t":1.5,"obs":[0.5,-0.25,3],"reward":-1.25,"terminated":false,"truncated":false}""");
        var s = new StateBuffer(3);
        StateJson.Parse(payload, s);
        Action window = () => { for (int i = 0; i < 1000; i++) StateJson.Parse(payload, s); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));
    }

    [Fact]
    public void CommandJson_WritesTheDocumentedShape_WithoutAllocating_AndRoundTrips()
    {
        var c = new CommandBuffer(2) { Seq = 7, StateSeq = 41, TtlMs = 150, Safety = SafetyDecision.Clamped };
        c.Action[0] = 1.5f; c.Action[1] = -2f;
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new Utf8JsonWriter(buffer);
        CommandJson.Write(w, c); w.Flush();
        Assert.Equal("""{"seq":7,"state_seq":41,"action":[1.5,-2],"ttl_ms":150,"safety":"clamped"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));

        Action window = () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                buffer.ResetWrittenCount();
                w.Reset(buffer);
                CommandJson.Write(w, c);
                w.Flush();
            }
        };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

        var back = new CommandBuffer(2);
        Assert.True(CommandJson.TryParse(new ReadOnlySequence<byte>(buffer.WrittenMemory), back));
        Assert.Equal((7, 41, 150, SafetyDecision.Clamped), (back.Seq, back.StateSeq, back.TtlMs, back.Safety));
        Assert.Equal(c.Action, back.Action);
        Assert.False(CommandJson.TryParse(Bytes("""{"seq":1,"action":[1],"ttl_ms":10}"""), back)); // wrong length
        Assert.False(CommandJson.TryParse(Bytes("""{"seq":1,"action":[1,2],"ttl_ms":10,"safety":"maybe"}"""), back));
    }

    [Fact]
    public void SpecJson_RoundTrips_WithUnboundedLimitsAsNull()
    {
        var spec = new RobotSpec("r1", "pendulum",
            new BoxSpace([-1, float.NegativeInfinity], [1, float.PositiveInfinity], ["a", "b"]),
            new BoxSpace([-2], [2], ["u"]), TimeSpan.FromMilliseconds(50), [0f]);
        byte[] json = SpecJson.Serialize(spec);
        Assert.Contains("\"low\":[-1,null]", Encoding.UTF8.GetString(json));
        var back = SpecJson.Parse(new ReadOnlySequence<byte>(json));
        Assert.Equal(spec.ObservationSpace, back.ObservationSpace);
        Assert.Equal(spec.ActionSpace, back.ActionSpace);
        Assert.Equal(spec.ControlPeriod, back.ControlPeriod);
        Assert.Throws<FormatException>(() => SpecJson.Parse(Bytes("""{"id":"r1"}""")));
    }

    [Fact]
    public void SerialPayloads_RoundTripSpecStateAndCommand()
    {
        var spec = new RobotSpec("r1", "pendulum", new BoxSpace([-1, -1, -8], [1, 1, 8], ["cos_theta", "sin_theta", "theta_dot"]),
            new BoxSpace([-2], [2], ["torque"]), TimeSpan.FromMilliseconds(50), [0f]);
        var back = SerialPayloads.ReadSpec(SerialPayloads.WriteSpec(spec));
        Assert.Equal((spec.Id, spec.EnvId, spec.ControlPeriod), (back.Id, back.EnvId, back.ControlPeriod));
        Assert.Equal(spec.ObservationSpace, back.ObservationSpace);

        var s = new StateBuffer(3) { Seq = 9, Time = 1.25, Reward = -0.5f, Truncated = true };
        s.Obs[0] = 1; s.Obs[1] = 0; s.Obs[2] = -3.5f;
        var buf = new byte[64];
        int n = SerialPayloads.WriteState(buf, s);
        var s2 = new StateBuffer(3);
        Assert.Equal(StateRejection.None, SerialPayloads.ReadState(buf.AsSpan(0, n), s2, out uint seq));
        Assert.Equal((9u, 1.25, -0.5f, false, true), (seq, s2.Time, s2.Reward, s2.Terminated, s2.Truncated));
        Assert.Equal(s.Obs, s2.Obs);
        Assert.Equal(StateRejection.WrongLength, SerialPayloads.ReadState(buf.AsSpan(0, n - 4), s2, out _));
        BitConverter.TryWriteBytes(buf.AsSpan(SerialPayloads.StateHeader + 4), float.NaN);
        Assert.Equal(StateRejection.NonFinite, SerialPayloads.ReadState(buf.AsSpan(0, n), s2, out _));

        var c = new CommandBuffer(1) { StateSeq = 9, TtlMs = 200, Safety = SafetyDecision.Vetoed };
        c.Action[0] = -1.75f;
        n = SerialPayloads.WriteCommand(buf, c);
        var c2 = new CommandBuffer(1);
        Assert.True(SerialPayloads.ReadCommand(buf.AsSpan(0, n), c2));
        Assert.Equal((9L, 200, SafetyDecision.Vetoed, -1.75f), (c2.StateSeq, c2.TtlMs, c2.Safety, c2.Action[0]));
    }

    [Fact]
    public void JsonParsers_RejectInvalidUtf8InAString_InsteadOfThrowing()
    {
        // Found by WireFuzzTests: a reason with invalid UTF-8 threw out of the e-stop parser, so the robot lost the
        // message instead of engaging on it.
        byte[] bad = [.. "{\"engage\":true,\"reason\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.False(EStopJson.TryParse(new ReadOnlySequence<byte>(bad), out _));
        byte[] badStep = [.. "{\"step\":\"re"u8, 0xFF, .. "arm\"}"u8];
        Assert.False(EStopJson.TryParseReset(new ReadOnlySequence<byte>(badStep), out _, out _));
        byte[] badSafety = [.. "{\"seq\":1,\"action\":[1],\"ttl_ms\":5,\"safety\":\"o"u8, 0xC3, .. "\"}"u8];
        Assert.False(CommandJson.TryParse(new ReadOnlySequence<byte>(badSafety), new CommandBuffer(1)));
    }
}
