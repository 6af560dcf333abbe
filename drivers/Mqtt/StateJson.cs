using System.Buffers;
using System.Text.Json;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// The state payload: <c>{"seq":int,"t":float,"obs":[...],"reward":float,"terminated":bool,"truncated":bool,"session":int,"on_time":bool}</c>
/// (reward, terminated, truncated, session and on_time optional; unknown properties ignored).
/// </summary>
public static class StateJson
{
    /// <summary>
    /// Allocation-free parse into <paramref name="dst"/>. Returns why the payload was rejected, or None.
    /// On rejection <paramref name="dst"/> holds partial data and must not be used.
    /// </summary>
    public static StateRejection Parse(in ReadOnlySequence<byte> payload, StateBuffer dst) => Parse(payload, dst, out _);

    /// <summary>As <see cref="Parse(in ReadOnlySequence{byte}, StateBuffer)"/>; also the robot's <c>session</c> (null when absent).</summary>
    public static StateRejection Parse(in ReadOnlySequence<byte> payload, StateBuffer dst, out long? session)
    {
        session = null;
        try
        {
            return ParseCore(payload, dst, ref session);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException) // invalid UTF-8 in a string: DecoderFallbackException
        {
            return StateRejection.Malformed;
        }
    }

    private static StateRejection ParseCore(in ReadOnlySequence<byte> payload, StateBuffer dst, ref long? session)
    {
        var r = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return StateRejection.Malformed;
        bool haveSeq = false, haveObs = false, haveT = false;
        dst.Reward = 0; dst.Terminated = false; dst.Truncated = false; dst.CommandOnTime = null;
        while (r.Read())
        {
            if (r.TokenType == JsonTokenType.EndObject)
            {
                if (!haveSeq || !haveObs || !haveT) return StateRejection.Malformed;
                return r.Read() ? StateRejection.Malformed : StateRejection.None;
            }
            if (r.TokenType != JsonTokenType.PropertyName) return StateRejection.Malformed;
            if (r.ValueTextEquals("seq"u8))
            {
                if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out long seq)) return StateRejection.Malformed;
                dst.Seq = seq; haveSeq = true;
            }
            else if (r.ValueTextEquals("session"u8))
            {
                if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out long id)) return StateRejection.Malformed;
                session = id;
            }
            else if (r.ValueTextEquals("t"u8))
            {
                if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out double t)) return StateRejection.Malformed;
                dst.Time = t; haveT = true;
            }
            else if (r.ValueTextEquals("obs"u8))
            {
                var why = ReadFloats(ref r, dst.Obs);
                if (why != StateRejection.None) return why;
                haveObs = true;
            }
            else if (r.ValueTextEquals("reward"u8))
            {
                if (!ReadFloat(ref r, out float reward, out var why)) return why;
                dst.Reward = reward;
            }
            else if (r.ValueTextEquals("on_time"u8))
            {
                if (!ReadBool(ref r, out bool b)) return StateRejection.Malformed;
                dst.CommandOnTime = b;
            }
            else if (r.ValueTextEquals("terminated"u8))
            {
                if (!ReadBool(ref r, out bool b)) return StateRejection.Malformed;
                dst.Terminated = b;
            }
            else if (r.ValueTextEquals("truncated"u8))
            {
                if (!ReadBool(ref r, out bool b)) return StateRejection.Malformed;
                dst.Truncated = b;
            }
            else
            {
                if (!r.Read()) return StateRejection.Malformed;
                r.Skip();
            }
        }
        return StateRejection.Malformed;
    }

    /// <summary>Reads an array of exactly dst.Length numbers. "NaN"/"Infinity" strings count as non-finite.</summary>
    internal static StateRejection ReadFloats(ref Utf8JsonReader r, float[] dst)
    {
        if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return StateRejection.Malformed;
        int n = 0;
        var nonFinite = false;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (n >= dst.Length) { n++; r.Skip(); continue; }
            if (r.TokenType == JsonTokenType.Number)
            {
                if (!r.TryGetSingle(out float v)) return StateRejection.Malformed;
                nonFinite |= !float.IsFinite(v);
                dst[n++] = v;
            }
            else if (r.TokenType == JsonTokenType.String || r.TokenType == JsonTokenType.Null)
            {
                // Writers that serialise NaN as a string or null: a non-finite value, not a syntax error.
                nonFinite = true;
                dst[n++] = float.NaN;
            }
            else return StateRejection.Malformed;
        }
        if (r.TokenType != JsonTokenType.EndArray) return StateRejection.Malformed;
        if (n != dst.Length) return StateRejection.WrongLength;
        return nonFinite ? StateRejection.NonFinite : StateRejection.None;
    }

    private static bool ReadFloat(ref Utf8JsonReader r, out float v, out StateRejection why)
    {
        v = 0; why = StateRejection.Malformed;
        if (!r.Read()) return false;
        if (r.TokenType is JsonTokenType.String or JsonTokenType.Null) { why = StateRejection.NonFinite; return false; }
        if (r.TokenType != JsonTokenType.Number || !r.TryGetSingle(out v)) return false;
        if (!float.IsFinite(v)) { why = StateRejection.NonFinite; return false; }
        return true;
    }

    private static bool ReadBool(ref Utf8JsonReader r, out bool b)
    {
        b = false;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.True) { b = true; return true; }
        return r.TokenType == JsonTokenType.False;
    }

    /// <summary>Allocation-free write (robot side), e.g. for the virtual robot; <paramref name="session"/> is written when given.</summary>
    public static void Write(Utf8JsonWriter w, StateBuffer s, long? session = null)
    {
        w.WriteStartObject();
        w.WriteNumber("seq"u8, s.Seq);
        w.WriteNumber("t"u8, s.Time);
        w.WriteStartArray("obs"u8);
        foreach (float v in s.Obs) w.WriteNumberValue(v);
        w.WriteEndArray();
        w.WriteNumber("reward"u8, s.Reward);
        w.WriteBoolean("terminated"u8, s.Terminated);
        w.WriteBoolean("truncated"u8, s.Truncated);
        if (session is { } id) w.WriteNumber("session"u8, id);
        if (s.CommandOnTime is bool onTime) w.WriteBoolean("on_time"u8, onTime);
        w.WriteEndObject();
    }
}
