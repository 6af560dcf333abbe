using System.Buffers;
using System.Text.Json;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Mqtt;

/// <summary>An e-stop message: engage (latches) or an explicit release, with a free-text reason.</summary>
public readonly record struct EStopMessage(bool Engage, string Reason);

/// <summary>
/// The e-stop payloads. On <c>estop</c>: <c>{"engage":true,"reason":"..."}</c> (engage; open to every role;
/// <c>"engage":false</c> there releases nothing). On <c>estop/reset</c> (operator role only):
/// <c>{"step":"release"|"rearm","reason":"..."}</c>, the two steps of a reset. Not real-time.
/// </summary>
public static class EStopJson
{
    public static byte[] Serialize(EStopMessage m)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("engage", m.Engage);
            w.WriteString("reason", m.Reason);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>False when malformed or when "engage" is missing: an unreadable e-stop is reported, not guessed.</summary>
    public static bool TryParse(in ReadOnlySequence<byte> payload, out EStopMessage message)
    {
        message = default;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("engage", out var e)
                || e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return false;
            string reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            message = new EStopMessage(e.GetBoolean(), reason);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException) // invalid UTF-8 in a string: DecoderFallbackException
        {
            return false;
        }
    }

    public static byte[] SerializeReset(EStopAction step, string reason)
    {
        if (step == EStopAction.Engage) throw new ArgumentException("e-stop: engage goes on the estop topic, not estop/reset");
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("step", step == EStopAction.Release ? "release" : "rearm");
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A reset step (<see cref="EStopAction.Release"/> or <see cref="EStopAction.ReArm"/>); false when malformed or unknown.</summary>
    public static bool TryParseReset(in ReadOnlySequence<byte> payload, out EStopAction step, out string reason)
    {
        step = EStopAction.Engage; reason = "";
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("step", out var s) || s.ValueKind != JsonValueKind.String) return false;
            switch (s.GetString())
            {
                case "release": step = EStopAction.Release; break;
                case "rearm": step = EStopAction.ReArm; break;
                default: return false;
            }
            reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException) // invalid UTF-8 in a string: DecoderFallbackException
        {
            return false;
        }
    }
}
