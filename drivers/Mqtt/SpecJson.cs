using System.Buffers;
using System.Text.Json;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// The retained spec payload:
/// <c>{"id":"r1","env":"pendulum","control_period_ms":50,"observation":{"names":[..],"low":[..],"high":[..]},
/// "action":{...},"safe_action":[..]}</c>. Unbounded limits are written as null. Not real-time.
/// </summary>
public static class SpecJson
{
    public static byte[] Serialize(RobotSpec spec)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", spec.Id);
            w.WriteString("env", spec.EnvId);
            w.WriteNumber("control_period_ms", spec.ControlPeriod.TotalMilliseconds);
            WriteBox(w, "observation", spec.ObservationSpace);
            WriteBox(w, "action", spec.ActionSpace);
            w.WriteStartArray("safe_action");
            foreach (float v in spec.SafeAction) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RobotSpec Parse(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            string id = Required(root, "id").GetString() ?? throw new FormatException("spec: id is null");
            string env = root.TryGetProperty("env", out var e) ? e.GetString() ?? "" : "";
            double periodMs = Required(root, "control_period_ms").GetDouble();
            var obs = ReadBox(Required(root, "observation"), "observation");
            var act = ReadBox(Required(root, "action"), "action");
            float[] safe = Required(root, "safe_action").EnumerateArray().Select(x => x.GetSingle()).ToArray();
            return new RobotSpec(id, env, obs, act, TimeSpan.FromMilliseconds(periodMs), safe).Validate();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new FormatException($"spec: {ex.Message}", ex);
        }
    }

    private static JsonElement Required(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) ? v : throw new FormatException($"spec: missing '{name}'");

    private static void WriteBox(Utf8JsonWriter w, string name, BoxSpace box)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("names");
        foreach (var n in box.Names) w.WriteStringValue(n);
        w.WriteEndArray();
        WriteLimits(w, "low", box.Low);
        WriteLimits(w, "high", box.High);
        w.WriteEndObject();
    }

    private static void WriteLimits(Utf8JsonWriter w, string name, float[] values)
    {
        w.WriteStartArray(name);
        foreach (float v in values)
            if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
        w.WriteEndArray();
    }

    private static BoxSpace ReadBox(JsonElement o, string what)
    {
        string[] names = Required(o, "names").EnumerateArray().Select(x => x.GetString() ?? "").ToArray();
        float[] low = Required(o, "low").EnumerateArray()
            .Select(x => x.ValueKind == JsonValueKind.Null ? float.NegativeInfinity : x.GetSingle()).ToArray();
        float[] high = Required(o, "high").EnumerateArray()
            .Select(x => x.ValueKind == JsonValueKind.Null ? float.PositiveInfinity : x.GetSingle()).ToArray();
        try { return new BoxSpace(low, high, names); }
        catch (ArgumentException ex) { throw new FormatException($"spec {what}: {ex.Message}", ex); }
    }
}
