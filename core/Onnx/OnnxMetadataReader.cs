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
}
