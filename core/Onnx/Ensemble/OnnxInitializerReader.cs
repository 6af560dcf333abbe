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

    private const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;

    /// <summary>Not real-time. Float initializers by name; throws <see cref="InvalidDataException"/> on malformed bytes.</summary>
    public static Dictionary<string, Tensor> ReadFloatInitializers(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var r = new Reader(model);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 7 && wire == WireLength)
            {
                var g = new Reader(r.Bytes());
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
        var t = new Reader(bytes);
        while (!t.End)
        {
            var (f, w) = t.Tag();
            if (f == 1 && w == WireVarint) dims.Add((long)t.Varint());
            else if (f == 1 && w == WireLength) { var p = new Reader(t.Bytes()); while (!p.End) dims.Add((long)p.Varint()); }
            else if (f == 2 && w == WireVarint) type = (long)t.Varint();
            else if (f == 4 && w == WireFixed32) floats.Add(t.Float());
            else if (f == 4 && w == WireLength) { var p = new Reader(t.Bytes()); while (!p.End) floats.Add(p.Float()); }
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

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool End => _pos >= _data.Length;

        public (int Field, int Wire) Tag()
        {
            ulong v = Varint();
            return ((int)(v >> 3), (int)(v & 7));
        }

        public ulong Varint()
        {
            ulong v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= _data.Length) throw new InvalidDataException("ONNX model: truncated varint");
                byte b = _data[_pos++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
            throw new InvalidDataException("ONNX model: varint too long");
        }

        public float Float()
        {
            if (_pos + 4 > _data.Length) throw new InvalidDataException("ONNX model: truncated float");
            float f = BinaryPrimitives.ReadSingleLittleEndian(_data[_pos..]);
            _pos += 4;
            return f;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            ulong len = Varint();
            if (len > (ulong)(_data.Length - _pos)) throw new InvalidDataException("ONNX model: truncated field");
            var s = _data.Slice(_pos, (int)len);
            _pos += (int)len;
            return s;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case WireVarint: Varint(); break;
                case WireFixed64: _pos += 8; break;
                case WireLength: Bytes(); break;
                case WireFixed32: _pos += 4; break;
                default: throw new InvalidDataException($"ONNX model: unsupported wire type {wire}");
            }
            if (_pos > _data.Length) throw new InvalidDataException("ONNX model: truncated field");
        }
    }
}
