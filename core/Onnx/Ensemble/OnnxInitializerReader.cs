using System.Buffers.Binary;
using System.Text;

namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// Reads the float32 initializers of a serialized ONNX model (ModelProto.graph.initializer), nothing else:
/// enough protobuf wire decoding to find tensors by name, with raw_data or float_data, dims packed or not.
/// Lets the runtime rebuild graphs (the fused rollout) from the weights already inside a step model.
/// </summary>
public static class OnnxInitializerReader
{
    public sealed record Tensor(long[] Dims, float[] Data);

    private const int WireVarint = ProtoReader.WireVarint, WireLength = ProtoReader.WireLength, WireFixed32 = ProtoReader.WireFixed32;

    /// <summary>Not real-time. Float initializers by name; throws <see cref="InvalidDataException"/> on malformed bytes.</summary>
    public static Dictionary<string, Tensor> ReadFloatInitializers(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var r = new ProtoReader(model);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 7 && wire == WireLength)
            {
                var g = new ProtoReader(r.Bytes());
                while (!g.End)
                {
                    var (gf, gw) = g.Tag();
                    if (gf == 5 && gw == WireLength) ReadTensor(g.Bytes(), result);
                    else g.Skip(gw);
                }
            }
            else r.Skip(wire);
        }
        return result;
    }

    // TensorProto: dims=1, data_type=2, float_data=4, name=8, raw_data=9.
    private static void ReadTensor(ReadOnlySpan<byte> bytes, Dictionary<string, Tensor> into)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        byte[]? raw = null;
        string name = "";
        long type = 0;
        var t = new ProtoReader(bytes);
        while (!t.End)
        {
            var (f, w) = t.Tag();
            if (f == 1 && w == WireVarint) dims.Add((long)t.Varint());
            else if (f == 1 && w == WireLength) { var p = new ProtoReader(t.Bytes()); while (!p.End) dims.Add((long)p.Varint()); }
            else if (f == 2 && w == WireVarint) type = (long)t.Varint();
            else if (f == 4 && w == WireFixed32) floats.Add(t.Float());
            else if (f == 4 && w == WireLength) { var p = new ProtoReader(t.Bytes()); while (!p.End) floats.Add(p.Float()); }
            else if (f == 8 && w == WireLength) name = Encoding.UTF8.GetString(t.Bytes());
            else if (f == 9 && w == WireLength) raw = t.Bytes().ToArray();
            else t.Skip(w);
        }
        if (type != (long)OnnxDataType.Float || name.Length == 0) return;
        float[] data;
        if (raw is not null)
        {
            if (raw.Length % 4 != 0) throw new InvalidDataException($"initializer '{name}': raw_data of {raw.Length} bytes is not float32");
            data = new float[raw.Length / 4];
            for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i));
        }
        else data = [.. floats];
        long count = 1;
        foreach (long d in dims) count *= d;
        if (count != data.Length) throw new InvalidDataException($"initializer '{name}': {data.Length} values do not match dims [{string.Join(", ", dims)}]");
        into[name] = new Tensor([.. dims], data);
    }
}
