namespace Robotics.Core.Onnx;

/// <summary>A node attribute (onnx.proto AttributeProto). Create with the static factories.</summary>
public sealed class OnnxAttribute
{
    // AttributeProto.AttributeType values.
    private enum Kind { Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7 }

    private readonly Kind _kind;
    private readonly float _f;
    private readonly long _i;
    private readonly string? _s;
    private readonly OnnxTensor? _t;
    private readonly OnnxGraph? _g;
    private readonly float[]? _floats;
    private readonly long[]? _ints;

    private OnnxAttribute(string name, Kind kind, float f = 0, long i = 0, string? s = null, OnnxTensor? t = null,
                          OnnxGraph? g = null, float[]? floats = null, long[]? ints = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name; _kind = kind; _f = f; _i = i; _s = s; _t = t; _g = g; _floats = floats; _ints = ints;
    }

    public string Name { get; }

    /// <summary>The subgraph of a graph attribute (Loop/Scan/If bodies), else null.</summary>
    public OnnxGraph? Graph => _g;

    public static OnnxAttribute Float(string name, float value) => new(name, Kind.Float, f: value);
    public static OnnxAttribute Int(string name, long value) => new(name, Kind.Int, i: value);
    public static OnnxAttribute String(string name, string value) => new(name, Kind.String, s: value);
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, Kind.Tensor, t: value);
    public static OnnxAttribute GraphValue(string name, OnnxGraph value) => new(name, Kind.Graph, g: value);
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, Kind.Floats, floats: (float[])values.Clone());
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, Kind.Ints, ints: (long[])values.Clone());

    // AttributeProto: name=1, f=2, i=3, s=4, t=5, g=6, floats=7, ints=8, type=20.
    internal static void Write(OnnxAttribute a, ProtoWriter w)
    {
        w.String(1, a.Name);
        switch (a._kind)
        {
            case Kind.Float: w.Float(2, a._f); break;
            case Kind.Int: w.Int64(3, a._i); break;
            case Kind.String: w.String(4, a._s!); break;
            case Kind.Tensor: w.Message(5, a._t!, OnnxTensor.Write); break;
            case Kind.Graph: w.Message(6, a._g!, OnnxGraph.Write); break;
            case Kind.Floats: foreach (float v in a._floats!) w.Float(7, v); break;
            case Kind.Ints: foreach (long v in a._ints!) w.Int64(8, v); break;
        }
        w.Int32(20, (int)a._kind);
    }
}
