namespace Robotics.Core.Onnx;

/// <summary>
/// One operator application (onnx.proto NodeProto). An empty input name marks an omitted optional input.
/// </summary>
public sealed record OnnxNode(
    string OpType,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string Name,
    IReadOnlyList<OnnxAttribute> Attributes,
    string Domain = "")
{
    // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7.
    internal static void Write(OnnxNode n, ProtoWriter w)
    {
        foreach (string i in n.Inputs) w.String(1, i);
        foreach (string o in n.Outputs) w.String(2, o);
        if (n.Name.Length > 0) w.String(3, n.Name);
        w.String(4, n.OpType);
        foreach (OnnxAttribute a in n.Attributes) w.Message(5, a, OnnxAttribute.Write);
        if (n.Domain.Length > 0) w.String(7, n.Domain);
    }
}
