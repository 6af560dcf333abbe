using System.Text;
using System.Text.Json;

namespace Robotics.Runtime.Benchmarks;

/// <summary>One benchmark result as one JSON line (snake_case keys, invariant numbers, in insertion order).</summary>
public sealed class BenchJson
{
    private readonly List<(string Key, object Value)> _fields = [];

    public BenchJson Add(string key, object value)
    {
        _fields.Add((key, value));
        return this;
    }

    public override string ToString()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (k, v) in _fields)
            {
                switch (v)
                {
                    case string s: w.WriteString(k, s); break;
                    case bool b: w.WriteBoolean(k, b); break;
                    case int i: w.WriteNumber(k, i); break;
                    case long l: w.WriteNumber(k, l); break;
                    case double d: w.WriteNumber(k, Math.Round(d, 4)); break;
                    case float f: w.WriteNumber(k, Math.Round(f, 4)); break;
                    default: w.WriteString(k, v.ToString()); break;
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
