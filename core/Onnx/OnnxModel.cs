namespace Robotics.Core.Onnx;

/// <summary>
/// A complete ONNX model (onnx.proto ModelProto): one graph, its opset imports and string metadata
/// (where the model card lives). IR version 8 and opset 17 by default: the newest that Debian 12's
/// python3-onnx 1.12 checker accepts, and well inside what ONNX Runtime 1.31 runs.
/// </summary>
public sealed record OnnxModel(OnnxGraph Graph, IReadOnlyDictionary<string, string> Metadata)
{
    public const long DefaultIrVersion = 8;
    public const long DefaultOpset = 17;

    public long IrVersion { get; init; } = DefaultIrVersion;
    /// <summary>Opset of the default ("ai.onnx") domain.</summary>
    public long Opset { get; init; } = DefaultOpset;
    public string ProducerName { get; init; } = "robotics";
    public string ProducerVersion { get; init; } = "";
    public string DocString { get; init; } = "";

    public byte[] Serialize()
    {
        var w = new ProtoWriter();
        Write(this, w);
        return w.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so a failed write leaves no partial model.</summary>
    public void Save(string path)
    {
        byte[] bytes = Serialize();
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    // ModelProto: ir_version=1, producer_name=2, producer_version=3, doc_string=6, graph=7, opset_import=8,
    // metadata_props=14. OperatorSetIdProto: domain=1, version=2. StringStringEntryProto: key=1, value=2.
    private static void Write(OnnxModel m, ProtoWriter w)
    {
        w.Int64(1, m.IrVersion);
        w.String(2, m.ProducerName);
        if (m.ProducerVersion.Length > 0) w.String(3, m.ProducerVersion);
        if (m.DocString.Length > 0) w.String(6, m.DocString);
        w.Message(7, m.Graph, OnnxGraph.Write);
        w.Message(8, m.Opset, static (v, o) => { o.String(1, ""); o.Int64(2, v); });
        foreach (var (key, value) in m.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            w.Message(14, (key, value), static (kv, e) => { e.String(1, kv.key); e.String(2, kv.value); });
    }
}
