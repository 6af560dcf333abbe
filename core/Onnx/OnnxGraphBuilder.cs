namespace Robotics.Core.Onnx;

/// <summary>
/// Builds an ONNX graph by composing operators, each returning the <see cref="OnnxValue"/> it produces:
/// <code>
/// var g = new OnnxGraphBuilder("step");
/// var obs = g.Input("obs", ["N", 3]);
/// var h = g.Add(g.MatMul(obs, g.Initializer("w0", w, 3, 200)), g.Initializer("b0", b, 200));
/// g.Output("y", g.Silu(h), ["N", 200]);
/// byte[] bytes = g.ToModel(metadata).Serialize();
/// </code>
/// Operator helpers follow opset 17 (see OnnxGraphBuilder.Ops.cs); anything else goes through
/// <see cref="Node(string, IReadOnlyList{OnnxValue}, OnnxAttribute[])"/>. Nodes are appended in call
/// order, which is a valid topological order because a value exists only after its producer was added.
/// Subgraphs (Loop/Scan bodies) come from <see cref="Subgraph"/> and share the name space, so generated
/// names never clash with the outer graph's, and bodies may use outer values by name.
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly NameScope _names;

    public OnnxGraphBuilder(string name) : this(name, new NameScope()) { }

    private OnnxGraphBuilder(string name, NameScope names)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _names = names;
    }

    public string Name { get; }
    public string DocString { get; set; } = "";
    public int NodeCount => _nodes.Count;

    /// <summary>A builder for a subgraph (Loop, Scan or If body) whose generated names cannot clash with this graph's.</summary>
    public OnnxGraphBuilder Subgraph(string name) => new(name, _names);

    /// <summary>Declares a graph input. Shape entries are sizes, symbolic names ("N") or -1 for unknown.</summary>
    public OnnxValue Input(string name, OnnxDim[] shape, OnnxDataType type = OnnxDataType.Float)
    {
        _names.Claim(name);
        _inputs.Add(new OnnxValueInfo(name, type, (OnnxDim[])shape.Clone()));
        return new OnnxValue(name);
    }

    /// <summary>
    /// Declares <paramref name="value"/> as graph output <paramref name="name"/> (through an Identity node
    /// when the names differ). A null shape declares unknown rank.
    /// </summary>
    public OnnxValue Output(string name, OnnxValue value, OnnxDim[]? shape, OnnxDataType type = OnnxDataType.Float)
    {
        if (value.Name != name)
        {
            _names.Claim(name);
            AddNode("Identity", [value], [name], []);
        }
        _outputs.Add(new OnnxValueInfo(name, type, shape is null ? null : (OnnxDim[])shape.Clone()));
        return new OnnxValue(name);
    }

    /// <summary>Adds a named constant tensor (weights, normalisation statistics).</summary>
    public OnnxValue Initializer(OnnxTensor tensor)
    {
        _names.Claim(tensor.Name);
        return AddInitializer(tensor);
    }

    public OnnxValue Initializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        Initializer(OnnxTensor.FromFloats(name, data, dims));

    /// <summary>A float32 constant with a generated name; dims empty for a scalar.</summary>
    public OnnxValue Const(ReadOnlySpan<float> data, params long[] dims) =>
        AddInitializer(OnnxTensor.FromFloats(_names.Next("const"), data, dims));

    /// <summary>A float32 scalar constant.</summary>
    public OnnxValue Const(float value) => Const([value]);

    /// <summary>A 1-D int64 constant (shapes, axes, indices).</summary>
    public OnnxValue ConstInt64(params long[] values) =>
        AddInitializer(OnnxTensor.FromInt64s(_names.Next("const"), values, values.Length));

    /// <summary>An int64 scalar constant (Loop trip counts, Gather indices that drop an axis).</summary>
    public OnnxValue ConstInt64Scalar(long value) =>
        AddInitializer(OnnxTensor.FromInt64s(_names.Next("const"), [value]));

    public OnnxValue ConstBool(bool value) =>
        AddInitializer(OnnxTensor.FromBools(_names.Next("const"), [value]));

    /// <summary>The escape hatch: any single-output operator of the default domain.</summary>
    public OnnxValue Node(string opType, IReadOnlyList<OnnxValue> inputs, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Any operator with <paramref name="outputCount"/> outputs.</summary>
    public OnnxValue[] Node(string opType, IReadOnlyList<OnnxValue> inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outputs[i] = _names.Next(opType);
        AddNode(opType, inputs, outputs, attributes);
        return Array.ConvertAll(outputs, o => new OnnxValue(o));
    }

    public OnnxGraph ToGraph()
    {
        if (_outputs.Count == 0) throw new InvalidOperationException($"graph '{Name}' has no outputs");
        return new OnnxGraph(Name, [.. _nodes], [.. _initializers], [.. _inputs], [.. _outputs], DocString);
    }

    /// <summary>Wraps the graph into a model (IR 8, opset 17) with string metadata such as the model card.</summary>
    public OnnxModel ToModel(IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "") =>
        new(ToGraph(), metadata ?? new Dictionary<string, string>()) { ProducerVersion = producerVersion };

    private OnnxValue AddInitializer(OnnxTensor tensor)
    {
        _initializers.Add(tensor);
        return new OnnxValue(tensor.Name);
    }

    private void AddNode(string opType, IReadOnlyList<OnnxValue> inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        var names = new string[inputs.Count];
        for (int i = 0; i < names.Length; i++) names[i] = inputs[i].Name ?? "";
        _nodes.Add(new OnnxNode(opType, names, outputs, _names.Next("n_" + opType), attributes));
    }

    /// <summary>Value and node names, unique across a graph and all its subgraphs.</summary>
    private sealed class NameScope
    {
        private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
        private int _counter;

        public void Claim(string name)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (!_taken.Add(name)) throw new ArgumentException($"ONNX name '{name}' is already used in this graph");
        }

        public string Next(string prefix)
        {
            string name;
            do name = $"{prefix}_{_counter++}"; while (!_taken.Add(name));
            return name;
        }
    }
}
