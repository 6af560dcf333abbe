namespace Robotics.Core.Onnx;

/// <summary>
/// One dimension of a declared shape: a fixed size, a named symbolic size (e.g. "N", equal wherever the
/// name repeats), or unknown. Converts implicitly from <c>long</c> (-1 means unknown) and <c>string</c>.
/// </summary>
public readonly record struct OnnxDim(long Value, string? Param)
{
    public static OnnxDim Unknown => new(-1, null);

    public static implicit operator OnnxDim(long value) =>
        value >= -1 ? new(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "a dimension is >= 0, or -1 for unknown");

    public static implicit operator OnnxDim(string param)
    {
        ArgumentException.ThrowIfNullOrEmpty(param);
        return new(-1, param);
    }

    public override string ToString() => Param ?? (Value < 0 ? "?" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// A graph input or output declaration (onnx.proto ValueInfoProto with a tensor type). A null shape means
/// even the rank is unknown.
/// </summary>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDim>? Shape)
{
    // ValueInfoProto: name=1, type=2. TypeProto: tensor_type=1. TypeProto.Tensor: elem_type=1, shape=2.
    // TensorShapeProto: dim=1. Dimension: dim_value=1, dim_param=2 (neither: unknown).
    internal static void Write(OnnxValueInfo v, ProtoWriter w)
    {
        w.String(1, v.Name);
        w.Message(2, v, static (v, type) => type.Message(1, v, static (v, tensor) =>
        {
            tensor.Int32(1, (int)v.ElementType);
            if (v.Shape is null) return;
            tensor.Message(2, v.Shape, static (shape, s) =>
            {
                foreach (OnnxDim d in shape)
                    s.Message(1, d, static (d, dim) =>
                    {
                        if (d.Param is not null) dim.String(2, d.Param);
                        else if (d.Value >= 0) dim.Int64(1, d.Value);
                    });
            });
        }));
    }
}
