using System.Runtime.InteropServices;

namespace Robotics.Core.Onnx;

/// <summary>
/// A constant tensor (onnx.proto TensorProto) stored as little-endian raw_data. Used for initializers and
/// tensor-valued attributes.
/// </summary>
public sealed class OnnxTensor
{
    private readonly byte[] _raw;

    private OnnxTensor(string name, OnnxDataType type, long[] dims, byte[] raw)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"tensor '{name}': dimension {d} is negative");
            count *= d;
        }
        if (count * ElementSize(type) != raw.Length)
            throw new ArgumentException($"tensor '{name}': {raw.Length} bytes do not match dims [{string.Join(", ", dims)}] of {type}");
        Name = name;
        DataType = type;
        Dims = dims;
        _raw = raw;
    }

    public string Name { get; }
    public OnnxDataType DataType { get; }
    public IReadOnlyList<long> Dims { get; }
    public ReadOnlySpan<byte> RawData => _raw;

    // BitConverter.IsLittleEndian is true on every platform .NET runs this project on (x64, arm64);
    // MemoryMarshal copies are therefore the little-endian layout ONNX's raw_data requires.
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<float> data, params long[] dims) =>
        new(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(data).ToArray());

    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> data, params long[] dims) =>
        new(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(data).ToArray());

    public static OnnxTensor FromInt32s(string name, ReadOnlySpan<int> data, params long[] dims) =>
        new(name, OnnxDataType.Int32, dims, MemoryMarshal.AsBytes(data).ToArray());

    public static OnnxTensor FromBools(string name, ReadOnlySpan<bool> data, params long[] dims)
    {
        var raw = new byte[data.Length];
        for (int i = 0; i < data.Length; i++) raw[i] = data[i] ? (byte)1 : (byte)0;
        return new(name, OnnxDataType.Bool, dims, raw);
    }

    internal static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 => 4,
        OnnxDataType.Int64 or OnnxDataType.Double => 8,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        _ => throw new NotSupportedException($"tensor element type {type} has no fixed size"),
    };

    // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
    internal static void Write(OnnxTensor t, ProtoWriter w)
    {
        foreach (long d in t.Dims) w.Int64(1, d);
        w.Int32(2, (int)t.DataType);
        if (t.Name.Length > 0) w.String(8, t.Name);
        w.Bytes(9, t._raw);
    }
}
