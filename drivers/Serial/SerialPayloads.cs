using System.Buffers.Binary;
using System.Text;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Serial;

/// <summary>
/// Payload layouts of the serial frames (all little-endian; docs/PROTOCOL.md has the byte tables).
/// State: flags u8 (bit0 terminated, bit1 truncated, bit2 session follows) | state_seq u32 | t_ms u32 | reward f32 |
/// obs f32 x n [| session u32].
/// Command: safety u8 | ttl_ms u16 | state_seq u32 | action f32 x m.
/// E-stop: engage u8 | reason UTF-8 (rest). Heartbeat: status u8.
/// Spec: obs_dim u8 | act_dim u8 | period_us u32 | obs low, obs high, act low, act high, safe (f32 each) |
/// id, env, obs names, act names (each u8 length + UTF-8).
/// State, command, e-stop and heartbeat codecs are allocation-free.
/// </summary>
public static class SerialPayloads
{
    public const int StateHeader = 13, CommandHeader = 7;

    public static int StateLength(int obsDim) => StateHeader + 4 * obsDim;
    public static int StateLength(int obsDim, bool withSession) => StateLength(obsDim) + (withSession ? 4 : 0);
    private const byte SessionFlag = 4;
    public static int CommandLength(int actDim) => CommandHeader + 4 * actDim;

    /// <summary>Writes a state; with <paramref name="session"/> the session flag is set and the session follows the observation.</summary>
    public static int WriteState(Span<byte> dst, StateBuffer s, uint? session = null)
    {
        dst[0] = (byte)((s.Terminated ? 1 : 0) | (s.Truncated ? 2 : 0) | (session.HasValue ? SessionFlag : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(dst[1..], (uint)s.Seq);
        BinaryPrimitives.WriteUInt32LittleEndian(dst[5..], (uint)Math.Clamp(Math.Round(s.Time * 1000), 0, uint.MaxValue));
        BinaryPrimitives.WriteSingleLittleEndian(dst[9..], s.Reward);
        WriteFloats(dst[StateHeader..], s.Obs);
        if (session is { } id) BinaryPrimitives.WriteUInt32LittleEndian(dst[StateLength(s.Obs.Length)..], id);
        return StateLength(s.Obs.Length, session.HasValue);
    }

    /// <summary>
    /// Fills everything but Seq (returned as the wire's 32 bits in <paramref name="seq"/>) and
    /// ReceivedTimestamp. Checks length and finiteness.
    /// </summary>
    public static StateRejection ReadState(ReadOnlySpan<byte> src, StateBuffer dst, out uint seq) => ReadState(src, dst, out seq, out _);

    /// <summary>As the overload without it; <paramref name="session"/> is the robot's session when its flag is set, else null.</summary>
    public static StateRejection ReadState(ReadOnlySpan<byte> src, StateBuffer dst, out uint seq, out long? session)
    {
        seq = 0;
        session = null;
        if (src.Length < StateHeader || (src.Length - StateHeader) % 4 != 0) return StateRejection.Malformed;
        byte flags = src[0];
        if ((flags & ~7) != 0) return StateRejection.Malformed;
        bool withSession = (flags & SessionFlag) != 0;
        if (src.Length != StateLength(dst.Obs.Length, withSession)) return StateRejection.WrongLength;
        if (withSession) session = BinaryPrimitives.ReadUInt32LittleEndian(src[StateLength(dst.Obs.Length)..]);
        dst.Terminated = (flags & 1) != 0;
        dst.Truncated = (flags & 2) != 0;
        seq = BinaryPrimitives.ReadUInt32LittleEndian(src[1..]);
        dst.Time = BinaryPrimitives.ReadUInt32LittleEndian(src[5..]) / 1000.0;
        dst.Reward = BinaryPrimitives.ReadSingleLittleEndian(src[9..]);
        ReadFloats(src[StateHeader..], dst.Obs);
        foreach (float v in dst.Obs) if (!float.IsFinite(v)) return StateRejection.NonFinite;
        return float.IsFinite(dst.Reward) ? StateRejection.None : StateRejection.NonFinite;
    }

    public static int WriteCommand(Span<byte> dst, CommandBuffer c)
    {
        dst[0] = (byte)c.Safety;
        BinaryPrimitives.WriteUInt16LittleEndian(dst[1..], (ushort)Math.Clamp(c.TtlMs, 0, ushort.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(dst[3..], (uint)c.StateSeq);
        WriteFloats(dst[CommandHeader..], c.Action);
        return CommandLength(c.Action.Length);
    }

    /// <summary>Fills Safety, TtlMs, StateSeq (low 32 bits) and Action. False on a bad length, decision or non-finite action.</summary>
    public static bool ReadCommand(ReadOnlySpan<byte> src, CommandBuffer dst)
    {
        if (src.Length != CommandLength(dst.Action.Length) || src[0] > (byte)SafetyDecision.EStop) return false;
        dst.Safety = (SafetyDecision)src[0];
        dst.TtlMs = BinaryPrimitives.ReadUInt16LittleEndian(src[1..]);
        dst.StateSeq = BinaryPrimitives.ReadUInt32LittleEndian(src[3..]);
        ReadFloats(src[CommandHeader..], dst.Action);
        foreach (float v in dst.Action) if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>ESTOP payload: the action byte (0 release request, 1 engage, 2 re-arm), then the reason (UTF-8, at most 200 bytes; dropped when longer).</summary>
    public static int WriteEStop(Span<byte> dst, EStopAction action, string reason)
    {
        dst[0] = (byte)action;
        int max = Math.Min(dst.Length - 1, 200);
        int n = Encoding.UTF8.GetByteCount(reason) <= max ? Encoding.UTF8.GetBytes(reason, dst[1..]) : 0;
        return 1 + n;
    }

    /// <summary>False when empty, the action byte is above 2 or the reason is longer than 200 bytes.</summary>
    public static bool ReadEStop(ReadOnlySpan<byte> src, out EStopAction action, out string reason)
    {
        action = EStopAction.Engage; reason = "";
        if (src.Length < 1 || src[0] > (byte)EStopAction.ReArm || src.Length > 201) return false;
        action = (EStopAction)src[0];
        reason = Encoding.UTF8.GetString(src[1..]);
        return true;
    }

    public static byte[] WriteSpec(RobotSpec spec)
    {
        var o = spec.ObservationSpace; var a = spec.ActionSpace;
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms, Encoding.UTF8);
        w.Write((byte)o.Dimension); w.Write((byte)a.Dimension);
        w.Write((uint)Math.Round(spec.ControlPeriod.TotalMicroseconds));
        foreach (var arr in new[] { o.Low, o.High, a.Low, a.High, spec.SafeAction })
            foreach (float v in arr) w.Write(v);
        foreach (var s in new[] { spec.Id, spec.EnvId }.Concat(o.Names).Concat(a.Names))
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            if (b.Length > 255) throw new ArgumentException($"serial spec: name '{s}' longer than 255 bytes");
            w.Write((byte)b.Length); w.Write(b);
        }
        w.Flush();
        if (ms.Length > FrameCodec.MaxPayload) throw new ArgumentException($"serial spec of {ms.Length} bytes exceeds a frame");
        return ms.ToArray();
    }

    /// <summary>Throws <see cref="FormatException"/> on a malformed spec.</summary>
    public static RobotSpec ReadSpec(ReadOnlySpan<byte> src)
    {
        try
        {
            var r = new BinaryReader(new MemoryStream(src.ToArray()), Encoding.UTF8);
            int n = r.ReadByte(), m = r.ReadByte();
            if (n == 0 || m == 0) throw new FormatException("serial spec: zero-dimensional space");
            var period = TimeSpan.FromMicroseconds(r.ReadUInt32());
            float[] F(int k) { var x = new float[k]; for (int i = 0; i < k; i++) x[i] = r.ReadSingle(); return x; }
            float[] oLow = F(n), oHigh = F(n), aLow = F(m), aHigh = F(m), safe = F(m);
            string S() => Encoding.UTF8.GetString(r.ReadBytes(r.ReadByte()));
            string id = S(), env = S();
            string[] oNames = Enumerable.Range(0, n).Select(_ => S()).ToArray();
            string[] aNames = Enumerable.Range(0, m).Select(_ => S()).ToArray();
            if (r.BaseStream.Position != r.BaseStream.Length) throw new FormatException("serial spec: trailing bytes");
            return new RobotSpec(id, env, new BoxSpace(oLow, oHigh, oNames), new BoxSpace(aLow, aHigh, aNames), period, safe).Validate();
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException)
        {
            throw new FormatException($"serial spec: {e.Message}", e);
        }
    }

    private static void WriteFloats(Span<byte> dst, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], values[i]);
    }

    private static void ReadFloats(ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
    }
}
