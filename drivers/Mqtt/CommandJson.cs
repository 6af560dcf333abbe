using System.Buffers;
using System.Text.Json;
using Robotics.Core.Robots;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// The command payload: <c>{"seq":int,"state_seq":int,"action":[...],"ttl_ms":int,"safety":"ok"|"clamped"|"vetoed"|"fallback"|"estop","session":uint64}</c>.
/// <c>session</c> identifies the controller session (the robot's lease); 0 or absent: an unidentified controller.
/// </summary>
public static class CommandJson
{
    /// <summary>Hot path, allocation-free. The action must be finite (the driver substitutes the safe action otherwise).</summary>
    public static void Write(Utf8JsonWriter w, CommandBuffer c, ulong session = 0)
    {
        w.WriteStartObject();
        w.WriteNumber("seq"u8, c.Seq);
        w.WriteNumber("state_seq"u8, c.StateSeq);
        w.WriteStartArray("action"u8);
        foreach (float v in c.Action) w.WriteNumberValue(v);
        w.WriteEndArray();
        w.WriteNumber("ttl_ms"u8, c.TtlMs);
        w.WriteString("safety"u8, SafetyUtf8(c.Safety));
        if (session != 0) w.WriteNumber("session"u8, session);
        w.WriteEndObject();
    }

    private static bool TryParseSafety(ref Utf8JsonReader r, out SafetyDecision d)
    {
        for (int i = 0; i <= (int)SafetyDecision.EStop; i++)
            if (r.ValueTextEquals(SafetyUtf8((SafetyDecision)i))) { d = (SafetyDecision)i; return true; }
        d = SafetyDecision.Ok;
        return false;
    }

    private static ReadOnlySpan<byte> SafetyUtf8(SafetyDecision d) => d switch
    {
        SafetyDecision.Ok => "ok"u8,
        SafetyDecision.Clamped => "clamped"u8,
        SafetyDecision.Vetoed => "vetoed"u8,
        SafetyDecision.Fallback => "fallback"u8,
        _ => "estop"u8,
    };

    /// <summary>
    /// Allocation-free parse (robot side). False when malformed, the action has the wrong length or a
    /// non-finite value, or a required field is missing (safety defaults to ok).
    /// </summary>
    public static bool TryParse(in ReadOnlySequence<byte> payload, CommandBuffer dst) => TryParse(payload, dst, out _);

    /// <summary>As <see cref="TryParse(in ReadOnlySequence{byte}, CommandBuffer)"/>, with the controller session (0 when absent).</summary>
    public static bool TryParse(in ReadOnlySequence<byte> payload, CommandBuffer dst, out ulong session)
    {
        session = 0;
        try
        {
            var r = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            bool haveSeq = false, haveAction = false, haveTtl = false;
            dst.Safety = SafetyDecision.Ok; dst.StateSeq = 0;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("seq"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out long v)) return false;
                    dst.Seq = v; haveSeq = true;
                }
                else if (r.ValueTextEquals("state_seq"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out long v)) return false;
                    dst.StateSeq = v;
                }
                else if (r.ValueTextEquals("ttl_ms"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int v) || v < 0) return false;
                    dst.TtlMs = v; haveTtl = true;
                }
                else if (r.ValueTextEquals("action"u8))
                {
                    if (StateJson.ReadFloats(ref r, dst.Action) != Common.StateRejection.None) return false;
                    haveAction = true;
                }
                else if (r.ValueTextEquals("session"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetUInt64(out ulong v)) return false;
                    session = v;
                }
                else if (r.ValueTextEquals("safety"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
                    if (!TryParseSafety(ref r, out var d)) return false;
                    dst.Safety = d;
                }
                else
                {
                    if (!r.Read()) return false;
                    r.Skip();
                }
            }
            return r.TokenType == JsonTokenType.EndObject && haveSeq && haveAction && haveTtl;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException) // invalid UTF-8 in a string: DecoderFallbackException
        {
            return false;
        }
    }
}
