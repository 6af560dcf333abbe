using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx;

namespace Robotics.Trainer.Tests.Onnx;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void Mlp_WrittenByBuilder_RunsInOnnxRuntime_WithHandComputedResult()
    {
        // y = silu(x W + b) for x [N,2], W [2,3]; N is symbolic.
        float[] w = [1f, -2f, 0.5f, 3f, 0.25f, -1f];
        float[] b = [0.1f, 0.2f, -0.3f];
        var g = new OnnxGraphBuilder("mlp");
        var x = g.Input("x", ["N", 2]);
        var h = g.Add(g.MatMul(x, g.Initializer("w", w, 2, 3)), g.Initializer("b", b, 3));
        g.Output("y", g.Silu(h), ["N", 3]);

        float[] xs = [0.5f, -1f, 2f, 0.25f];
        var y = OrtRunner.Run(g.ToModel().Serialize(), ("x", xs, [2, 2]))["y"];

        Assert.Equal([2L, 3L], y.Shape);
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
            {
                double z = xs[r * 2] * w[c] + xs[r * 2 + 1] * w[3 + c] + b[c];
                Assert.Equal(z / (1 + Math.Exp(-z)), y.Data[r * 3 + c], 5);
            }
    }

    [Fact]
    public void ElementwiseOps_MatchMathLibrary()
    {
        float[] xs = [0.3f, 1.7f, 2.5f, 0.9f];
        var g = new OnnxGraphBuilder("unary");
        var x = g.Input("x", [4]);
        var cases = new (string Name, OnnxValue Value, Func<double, double> Expected)[]
        {
            ("neg", g.Neg(x), v => -v),
            ("sigmoid", g.Sigmoid(x), v => 1 / (1 + Math.Exp(-v))),
            ("exp", g.Exp(x), Math.Exp),
            ("log", g.Log(x), Math.Log),
            ("softplus", g.Softplus(x), v => Math.Log(1 + Math.Exp(v))),
            ("sqrt", g.Sqrt(x), Math.Sqrt),
            ("pow", g.Pow(x, g.Const(3f)), v => v * v * v),
            ("relu", g.Relu(g.Sub(x, g.Const(1f))), v => Math.Max(0, v - 1)),
            ("tanh", g.Tanh(x), Math.Tanh),
            ("sin", g.Sin(x), Math.Sin),
            ("cos", g.Cos(x), Math.Cos),
            ("atan", g.Atan(x), Math.Atan),
            ("div", g.Div(g.Const(1f), x), v => 1 / v),
            ("mul_add", g.Add(g.Mul(x, g.Const(2f)), g.Const(0.5f)), v => 2 * v + 0.5),
            ("max", g.Max(x, g.Const(1f)), v => Math.Max(v, 1)),
            ("min", g.Min(x, g.Const(1f)), v => Math.Min(v, 1)),
            ("clip", g.Clip(x, 0.5f, 2f), v => Math.Clamp(v, 0.5, 2)),
            ("clip_low_only", g.Clip(x, 1f, null), v => Math.Max(v, 1)),
            ("where_less", g.Where(g.Less(x, g.Const(1f)), x, g.Neg(x)), v => v < 1 ? v : -v),
            ("where_greater", g.Where(g.Greater(x, g.Const(1f)), x, g.Const(0f)), v => v > 1 ? v : 0),
            ("identity", g.Identity(x), v => v),
        };
        foreach (var (name, value, _) in cases) g.Output(name, value, [4]);

        var outputs = OrtRunner.Run(g.ToModel().Serialize(), ("x", xs, [4]));

        foreach (var (name, _, expected) in cases)
            for (int i = 0; i < xs.Length; i++)
                Assert.True(Math.Abs(expected(xs[i]) - outputs[name].Data[i]) < 1e-5 * Math.Max(1, Math.Abs(expected(xs[i]))),
                            $"{name}({xs[i]}) = {outputs[name].Data[i]}, expected {expected(xs[i])}");
    }

    [Fact]
    public void ShapeOps_MatchNumpySemantics()
    {
        // x = [[0,1,2],[3,4,5]]
        var g = new OnnxGraphBuilder("shapes");
        var x = g.Input("x", [2, 3]);
        g.Output("concat", g.Concat(-1, x, x), [2, 6]);
        g.Output("slice", g.Slice(x, [1], [long.MaxValue], [1]), [2, 2]);
        g.Output("gather_row", g.Gather(x, 1, axis: 0), [3]);
        g.Output("gather_cols", g.Gather(x, g.ConstInt64(2, 0), axis: 1), [2, 2]);
        g.Output("reshape", g.Reshape(x, 3, 2), [3, 2]);
        g.Output("unsqueeze", g.Unsqueeze(x, 0), [1, 2, 3]);
        g.Output("squeeze", g.Squeeze(g.Unsqueeze(x, 0), 0), [2, 3]);
        g.Output("expand", g.Expand(g.Unsqueeze(x, 0), g.ConstInt64(2, 2, 3)), [2, 2, 3]);
        g.Output("transpose", g.Transpose(x, 1, 0), [3, 2]);
        g.Output("mean", g.ReduceMean(x, [1], keepDims: false), [2]);
        g.Output("max", g.ReduceMax(x, [0], keepDims: false), [3]);
        g.Output("sum", g.ReduceSum(x, [0, 1], keepDims: false), []);
        g.Output("shape", g.Cast(g.Shape(x), OnnxDataType.Float), [2]);
        g.Output("zeros_like", g.ConstantOfShape(g.Shape(x), 7f), [2, 3]);
        var split = g.Split(x, 1, 1, 2);
        g.Output("split1", split[1], [2, 2]);
        var top = g.TopK(x, 1, axis: 1, largest: false);
        g.Output("topk_index", g.Cast(top.Indices, OnnxDataType.Float), [2, 1]);

        var o = OrtRunner.Run(g.ToModel().Serialize(), ("x", [0f, 1, 2, 3, 4, 5], [2, 3]));

        Assert.Equal([0f, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], o["concat"].Data);
        Assert.Equal([1f, 2, 4, 5], o["slice"].Data);
        Assert.Equal([3f, 4, 5], o["gather_row"].Data);
        Assert.Equal([2f, 0, 5, 3], o["gather_cols"].Data);
        Assert.Equal([3L, 2L], o["reshape"].Shape);
        Assert.Equal([1L, 2L, 3L], o["unsqueeze"].Shape);
        Assert.Equal([2L, 3L], o["squeeze"].Shape);
        Assert.Equal([0f, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], o["expand"].Data);
        Assert.Equal([0f, 3, 1, 4, 2, 5], o["transpose"].Data);
        Assert.Equal([1f, 4], o["mean"].Data);
        Assert.Equal([3f, 4, 5], o["max"].Data);
        Assert.Equal([15f], o["sum"].Data);
        Assert.Equal([2f, 3], o["shape"].Data);
        Assert.All(o["zeros_like"].Data, v => Assert.Equal(7f, v));
        Assert.Equal([1f, 2, 4, 5], o["split1"].Data);
        Assert.Equal([0f, 0], o["topk_index"].Data);
    }

    [Fact]
    public void Loop_AccumulatesCarriedValue_AndStacksScanOutputs()
    {
        // acc_{k+1} = acc_k * 2 + x, for 3 iterations; scan output collects each acc_{k+1}.
        var g = new OnnxGraphBuilder("loop");
        var x = g.Input("x", [2]);
        var body = g.Subgraph("body");
        body.Input("iter", [], OnnxDataType.Int64);
        var cond = body.Input("cond_in", [], OnnxDataType.Bool);
        var acc = body.Input("acc_in", [2]);
        var next = body.Add(body.Mul(acc, body.Const(2f)), x); // x comes from the outer scope
        body.Output("cond_out", cond, [], OnnxDataType.Bool);
        body.Output("acc_out", next, [2]);
        body.Output("acc_scan", next, [2]);
        var result = g.Loop(g.ConstInt64Scalar(3), g.ConstBool(true), [g.Const([0f, 0f], 2)], body.ToGraph(), scanOutputs: 1);
        g.Output("final", result[0], [2]);
        g.Output("history", result[1], [3, 2]);

        var o = OrtRunner.Run(g.ToModel().Serialize(), ("x", [1f, -1f], [2]));

        Assert.Equal([7f, -7f], o["final"].Data);
        Assert.Equal([1f, -1f, 3f, -3f, 7f, -7f], o["history"].Data);
        Assert.Equal([3L, 2L], o["history"].Shape);
    }

    [Fact]
    public void Scan_RunsBodyOverLeadingAxis()
    {
        // Running sum over rows of xs [3,2].
        var g = new OnnxGraphBuilder("scan");
        var xs = g.Input("xs", [3, 2]);
        var body = g.Subgraph("body");
        var s = body.Input("s_in", [2]);
        var row = body.Input("row", [2]);
        var sum = body.Add(s, row);
        body.Output("s_out", sum, [2]);
        body.Output("s_scan", sum, [2]);
        var r = g.Scan([g.Const([0f, 0f], 2)], [xs], body.ToGraph(), scanOutputs: 1);
        g.Output("total", r[0], [2]);
        g.Output("running", r[1], [3, 2]);

        var o = OrtRunner.Run(g.ToModel().Serialize(), ("xs", [1f, 2, 3, 4, 5, 6], [3, 2]));

        Assert.Equal([9f, 12f], o["total"].Data);
        Assert.Equal([1f, 2, 4, 6, 9, 12], o["running"].Data);
    }

    [Fact]
    public void Metadata_IsReadableThroughOnnxRuntime()
    {
        var g = new OnnxGraphBuilder("meta");
        g.Output("y", g.Neg(g.Input("x", [1])), [1]);
        string json = "{\"format_version\":1,\"env_id\":\"pendulum\",\"unicode\":\"\u03b8\"}";
        byte[] bytes = g.ToModel(new Dictionary<string, string> { ["robotics.card"] = json, ["other"] = "v" }, "1.2.3").Serialize();

        using var session = new InferenceSession(bytes);

        Assert.Equal(json, session.ModelMetadata.CustomMetadataMap["robotics.card"]);
        Assert.Equal("v", session.ModelMetadata.CustomMetadataMap["other"]);
        Assert.Equal("robotics", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void Builder_RejectsDuplicateNames_AndGraphsWithoutOutputs()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Input("x", [1]);
        Assert.Throws<ArgumentException>(() => g.Input("x", [1]));
        Assert.Throws<ArgumentException>(() => g.Initializer("x", [1f], 1));
        Assert.Throws<InvalidOperationException>(() => g.ToGraph());
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromFloats("t", [1f, 2f], 3));
    }

    [Fact]
    public void PythonOnnxChecker_AcceptsBuilderOutput_WithSubgraphsAndSymbolicDims()
    {
        var g = new OnnxGraphBuilder("checked");
        var x = g.Input("x", ["N", 3]);
        var h = g.Silu(g.Add(g.MatMul(x, g.Initializer("w", new float[6], 3, 2)), g.Const([0.5f, -0.5f], 2)));
        var body = g.Subgraph("body");
        body.Input("i", [], OnnxDataType.Int64);
        var c = body.Input("c", [], OnnxDataType.Bool);
        var a = body.Input("a", ["N", 2]);
        body.Output("c_out", c, [], OnnxDataType.Bool);
        body.Output("a_out", body.Tanh(a), ["N", 2]);
        var looped = g.Loop(g.ConstInt64Scalar(2), g.ConstBool(true), [h], body.ToGraph())[0];
        g.Output("y", g.ReduceMean(g.Clip(looped, -1f, 1f), [1], keepDims: false), ["N"]);
        string path = Path.Combine(Path.GetTempPath(), $"robotics-checker-{Guid.NewGuid():N}.onnx");
        try
        {
            g.ToModel(new Dictionary<string, string> { ["robotics.card"] = "{}" }).Save(path);
            string output = PythonOnnxChecker.Check(path);
            Assert.Equal("ok 8 17", output);
        }
        finally { File.Delete(path); }
    }
}
