namespace Robotics.Core.Onnx;

// Operator helpers, opset 17 signatures. Where an opset moved an attribute to an input (ReduceSum,
// Squeeze, Unsqueeze, Slice, Clip in 13/11) the helper writes the constant input for you.
public sealed partial class OnnxGraphBuilder
{
    // ---- elementwise, one input
    public OnnxValue Neg(OnnxValue x) => Node("Neg", [x]);
    public OnnxValue Abs(OnnxValue x) => Node("Abs", [x]);
    public OnnxValue Sigmoid(OnnxValue x) => Node("Sigmoid", [x]);
    public OnnxValue Exp(OnnxValue x) => Node("Exp", [x]);
    public OnnxValue Log(OnnxValue x) => Node("Log", [x]);
    public OnnxValue Softplus(OnnxValue x) => Node("Softplus", [x]);
    public OnnxValue Sqrt(OnnxValue x) => Node("Sqrt", [x]);
    public OnnxValue Reciprocal(OnnxValue x) => Node("Reciprocal", [x]);
    public OnnxValue Relu(OnnxValue x) => Node("Relu", [x]);
    public OnnxValue Tanh(OnnxValue x) => Node("Tanh", [x]);
    public OnnxValue Sin(OnnxValue x) => Node("Sin", [x]);
    public OnnxValue Cos(OnnxValue x) => Node("Cos", [x]);
    public OnnxValue Atan(OnnxValue x) => Node("Atan", [x]);
    public OnnxValue Floor(OnnxValue x) => Node("Floor", [x]);
    public OnnxValue Not(OnnxValue x) => Node("Not", [x]);
    public OnnxValue Identity(OnnxValue x) => Node("Identity", [x]);
    public OnnxValue Sign(OnnxValue x) => Node("Sign", [x]);
    /// <summary>SiLU (x * sigmoid x); opset 17 has no SiLU operator.</summary>
    public OnnxValue Silu(OnnxValue x) => Mul(x, Sigmoid(x));
    /// <summary>Mish (x * tanh(softplus x)); the Mish operator is opset 18.</summary>
    public OnnxValue Mish(OnnxValue x) => Mul(x, Tanh(Softplus(x)));
    /// <summary>Softmax along <paramref name="axis"/> (opset 13+: over that axis only).</summary>
    public OnnxValue Softmax(OnnxValue x, long axis = -1) => Node("Softmax", [x], OnnxAttribute.Int("axis", axis));

    /// <summary>LayerNormalization (opset 17) over the last axis with per-unit scale and bias of that axis' size.</summary>
    public OnnxValue LayerNormalization(OnnxValue x, OnnxValue scale, OnnxValue bias, float epsilon = 1e-5f) =>
        Node("LayerNormalization", [x, scale, bias], OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon));

    // ---- elementwise, two inputs (numpy broadcasting)
    public OnnxValue Add(OnnxValue a, OnnxValue b) => Node("Add", [a, b]);
    public OnnxValue Sub(OnnxValue a, OnnxValue b) => Node("Sub", [a, b]);
    public OnnxValue Mul(OnnxValue a, OnnxValue b) => Node("Mul", [a, b]);
    public OnnxValue Div(OnnxValue a, OnnxValue b) => Node("Div", [a, b]);
    public OnnxValue Pow(OnnxValue x, OnnxValue exponent) => Node("Pow", [x, exponent]);
    public OnnxValue Less(OnnxValue a, OnnxValue b) => Node("Less", [a, b]);
    public OnnxValue Greater(OnnxValue a, OnnxValue b) => Node("Greater", [a, b]);
    public OnnxValue Equal(OnnxValue a, OnnxValue b) => Node("Equal", [a, b]);
    public OnnxValue And(OnnxValue a, OnnxValue b) => Node("And", [a, b]);
    public OnnxValue Or(OnnxValue a, OnnxValue b) => Node("Or", [a, b]);
    /// <summary>Matrix product with numpy semantics: [E,N,in] x [E,in,out] is a batched product.</summary>
    public OnnxValue MatMul(OnnxValue a, OnnxValue b) => Node("MatMul", [a, b]);
    public OnnxValue Max(params OnnxValue[] xs) => Node("Max", xs);
    public OnnxValue Min(params OnnxValue[] xs) => Node("Min", xs);
    public OnnxValue Sum(params OnnxValue[] xs) => Node("Sum", xs);
    public OnnxValue Where(OnnxValue condition, OnnxValue x, OnnxValue y) => Node("Where", [condition, x, y]);

    /// <summary>Clamps to [min, max]; a null bound is omitted.</summary>
    public OnnxValue Clip(OnnxValue x, float? min, float? max) =>
        Node("Clip", [x, min is float lo ? Const(lo) : OnnxValue.None, max is float hi ? Const(hi) : OnnxValue.None]);

    // ---- shapes and indexing
    public OnnxValue Concat(long axis, params OnnxValue[] xs) => Node("Concat", xs, OnnxAttribute.Int("axis", axis));
    public OnnxValue Reshape(OnnxValue x, params long[] shape) => Node("Reshape", [x, ConstInt64(shape)]);
    public OnnxValue Reshape(OnnxValue x, OnnxValue shape) => Node("Reshape", [x, shape]);
    public OnnxValue Unsqueeze(OnnxValue x, params long[] axes) => Node("Unsqueeze", [x, ConstInt64(axes)]);
    public OnnxValue Squeeze(OnnxValue x, params long[] axes) => Node("Squeeze", [x, ConstInt64(axes)]);
    public OnnxValue Expand(OnnxValue x, OnnxValue shape) => Node("Expand", [x, shape]);
    public OnnxValue Tile(OnnxValue x, OnnxValue repeats) => Node("Tile", [x, repeats]);
    public OnnxValue Transpose(OnnxValue x, params long[] perm) => Node("Transpose", [x], OnnxAttribute.Ints("perm", perm));
    public OnnxValue Shape(OnnxValue x) => Node("Shape", [x]);
    public OnnxValue Gather(OnnxValue x, OnnxValue indices, long axis = 0) => Node("Gather", [x, indices], OnnxAttribute.Int("axis", axis));
    /// <summary>Picks index <paramref name="index"/> along <paramref name="axis"/>, dropping that axis.</summary>
    public OnnxValue Gather(OnnxValue x, long index, long axis) => Gather(x, ConstInt64Scalar(index), axis);
    public OnnxValue Cast(OnnxValue x, OnnxDataType to) => Node("Cast", [x], OnnxAttribute.Int("to", (long)to));
    public OnnxValue Range(OnnxValue start, OnnxValue limit, OnnxValue delta) => Node("Range", [start, limit, delta]);

    /// <summary>x[starts:ends:steps] along <paramref name="axes"/> (numpy slicing; long.MaxValue = to the end).</summary>
    public OnnxValue Slice(OnnxValue x, long[] starts, long[] ends, long[] axes, long[]? steps = null) =>
        Node("Slice", [x, ConstInt64(starts), ConstInt64(ends), ConstInt64(axes), steps is null ? OnnxValue.None : ConstInt64(steps)]);

    /// <summary>Splits along <paramref name="axis"/> into pieces of the given sizes.</summary>
    public OnnxValue[] Split(OnnxValue x, long axis, params long[] sizes) =>
        Node("Split", [x, ConstInt64(sizes)], sizes.Length, OnnxAttribute.Int("axis", axis));

    /// <summary>A float32 tensor of the given (runtime) shape filled with <paramref name="value"/>.</summary>
    public OnnxValue ConstantOfShape(OnnxValue shape, float value) =>
        Node("ConstantOfShape", [shape], OnnxAttribute.Tensor("value", OnnxTensor.FromFloats("", [value], 1)));

    // ---- reductions (opset 17: ReduceSum takes axes as an input, the others as an attribute)
    public OnnxValue ReduceSum(OnnxValue x, long[] axes, bool keepDims = true) =>
        Node("ReduceSum", [x, ConstInt64(axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));
    public OnnxValue ReduceMean(OnnxValue x, long[] axes, bool keepDims = true) => Reduce("ReduceMean", x, axes, keepDims);
    public OnnxValue ReduceMax(OnnxValue x, long[] axes, bool keepDims = true) => Reduce("ReduceMax", x, axes, keepDims);
    public OnnxValue ReduceMin(OnnxValue x, long[] axes, bool keepDims = true) => Reduce("ReduceMin", x, axes, keepDims);
    public OnnxValue ReduceSumSquare(OnnxValue x, long[] axes, bool keepDims = true) => Reduce("ReduceSumSquare", x, axes, keepDims);

    private OnnxValue Reduce(string op, OnnxValue x, long[] axes, bool keepDims) =>
        Node(op, [x], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    public OnnxValue ArgMin(OnnxValue x, long axis, bool keepDims = true) =>
        Node("ArgMin", [x], OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>The <paramref name="k"/> smallest or largest along <paramref name="axis"/>: (values, int64 indices).</summary>
    public (OnnxValue Values, OnnxValue Indices) TopK(OnnxValue x, long k, long axis = -1, bool largest = true)
    {
        var o = Node("TopK", [x, ConstInt64(k)], 2, OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("largest", largest ? 1 : 0));
        return (o[0], o[1]);
    }

    // ---- control flow
    /// <summary>
    /// ONNX Loop. The body (from <see cref="Subgraph"/>) takes (iteration int64 scalar, condition bool,
    /// carried...) and returns (condition, carried..., scan outputs...). Returns the final carried values
    /// followed by the scan outputs stacked along a new first axis.
    /// </summary>
    public OnnxValue[] Loop(OnnxValue maxTripCount, OnnxValue condition, IReadOnlyList<OnnxValue> carried, OnnxGraph body, int scanOutputs = 0)
    {
        if (body.Inputs.Count != carried.Count + 2 || body.Outputs.Count != carried.Count + 1 + scanOutputs)
            throw new ArgumentException($"Loop body '{body.Name}' needs {carried.Count + 2} inputs and {carried.Count + 1 + scanOutputs} outputs, has {body.Inputs.Count} and {body.Outputs.Count}");
        return Node("Loop", [maxTripCount, condition, .. carried], carried.Count + scanOutputs, OnnxAttribute.GraphValue("body", body));
    }

    /// <summary>
    /// ONNX Scan over axis 0 of each scan input. The body takes (state..., scan slice...) and returns
    /// (state..., scan output slice...). Returns the final states followed by the stacked scan outputs.
    /// </summary>
    public OnnxValue[] Scan(IReadOnlyList<OnnxValue> states, IReadOnlyList<OnnxValue> scanInputs, OnnxGraph body, int scanOutputs)
    {
        if (body.Inputs.Count != states.Count + scanInputs.Count || body.Outputs.Count != states.Count + scanOutputs)
            throw new ArgumentException($"Scan body '{body.Name}' needs {states.Count + scanInputs.Count} inputs and {states.Count + scanOutputs} outputs");
        return Node("Scan", [.. states, .. scanInputs], states.Count + scanOutputs,
                    OnnxAttribute.GraphValue("body", body), OnnxAttribute.Int("num_scan_inputs", scanInputs.Count));
    }
}
