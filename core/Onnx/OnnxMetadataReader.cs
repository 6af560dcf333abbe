using System.Text;

namespace Robotics.Core.Onnx;

/// <summary>
/// Reads ModelProto.metadata_props (field 14: key = 1, value = 2) of a serialized ONNX model without
/// ONNX Runtime, so a card can be read (and a deployment checked) before any inference session exists.
/// </summary>
public static class OnnxMetadataReader
{
    /// <summary>Not real-time. The metadata entries; throws <see cref="InvalidDataException"/> on malformed bytes.</summary>
    public static Dictionary<string, string> Read(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var r = new ProtoReader(model);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 14 && wire == ProtoReader.WireLength)
            {
                var e = new ProtoReader(r.Bytes());
                string key = "", value = "";
                while (!e.End)
                {
                    var (f, w) = e.Tag();
                    if (f == 1 && w == ProtoReader.WireLength) key = Encoding.UTF8.GetString(e.Bytes());
                    else if (f == 2 && w == ProtoReader.WireLength) value = Encoding.UTF8.GetString(e.Bytes());
                    else e.Skip(w);
                }
                result[key] = value;
            }
            else r.Skip(wire);
        }
        return result;
    }

    /// <summary>
    /// Not real-time. <paramref name="model"/> with metadata entry <paramref name="key"/> set to
    /// <paramref name="value"/>: every other field is copied byte for byte, the old entry is dropped and the
    /// new one appended (protobuf fields may come in any order). Throws <see cref="InvalidDataException"/> on malformed bytes.
    /// </summary>
    public static byte[] WithEntry(ReadOnlySpan<byte> model, string key, string value)
    {
        var w = new ProtoWriter();
        var r = new ProtoReader(model);
        while (!r.End)
        {
            int start = r.Position;
            var (field, wire) = r.Tag();
            if (field == 14 && wire == ProtoReader.WireLength)
            {
                var e = new ProtoReader(r.Bytes());
                string entryKey = "";
                while (!e.End)
                {
                    var (f, ew) = e.Tag();
                    if (f == 1 && ew == ProtoReader.WireLength) entryKey = Encoding.UTF8.GetString(e.Bytes());
                    else e.Skip(ew);
                }
                if (entryKey == key) continue;
            }
            else r.Skip(wire);
            w.Raw(model[start..r.Position]);
        }
        w.Message(14, (key, value), static (kv, e) => { e.String(1, kv.key); e.String(2, kv.value); });
        return w.ToArray();
    }
}
