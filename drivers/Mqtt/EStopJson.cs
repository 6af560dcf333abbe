using System.Buffers;
using System.Text.Json;

namespace Robotics.Drivers.Mqtt;

/// <summary>An e-stop message: engage (latches) or an explicit release, with a free-text reason.</summary>
public readonly record struct EStopMessage(bool Engage, string Reason);

/// <summary>The e-stop payload: <c>{"engage":true|false,"reason":"..."}</c>. Not real-time.</summary>
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
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("engage", out var e)
                || e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return false;
            string reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            message = new EStopMessage(e.GetBoolean(), reason);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
