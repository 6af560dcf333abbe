namespace Robotics.Core.Onnx;

/// <summary>A computation graph (onnx.proto GraphProto): nodes in topological order, constants, inputs, outputs.</summary>
public sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    string DocString = "")
{
    // GraphProto: node=1, name=2, initializer=5, doc_string=10, input=11, output=12.
    internal static void Write(OnnxGraph g, ProtoWriter w)
    {
        foreach (OnnxNode n in g.Nodes) w.Message(1, n, OnnxNode.Write);
        w.String(2, g.Name);
        foreach (OnnxTensor t in g.Initializers) w.Message(5, t, OnnxTensor.Write);
        if (g.DocString.Length > 0) w.String(10, g.DocString);
        foreach (OnnxValueInfo v in g.Inputs) w.Message(11, v, OnnxValueInfo.Write);
        foreach (OnnxValueInfo v in g.Outputs) w.Message(12, v, OnnxValueInfo.Write);
    }
}
