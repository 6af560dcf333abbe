using Robotics.Core.Onnx;

namespace Robotics.Core.Models;

/// <summary>
/// A model file and its card, read without ONNX Runtime (the card is in the file's metadata), so a
/// deployment can be checked before any session is built.
/// </summary>
public sealed record ModelFile(string Path, ModelCard Card)
{
    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/> when the file is missing and
    /// <see cref="InvalidDataException"/> (one line, naming the file) when it or its card is invalid.
    /// </summary>
    public static ModelFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        Dictionary<string, string> meta;
        try { meta = OnnxMetadataReader.Read(File.ReadAllBytes(path)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"model file '{path}' is not an ONNX model: {e.Message}", e); }
        if (!meta.TryGetValue(ModelCard.MetadataKey, out string? json))
            throw new InvalidDataException($"model file '{path}' has no model card (metadata key '{ModelCard.MetadataKey}')");
        try { return new ModelFile(path, ModelCard.FromJson(json)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"model file '{path}': {e.Message}", e); }
    }

    /// <summary>
    /// Not real-time. Writes this file with <paramref name="card"/> (validated) in place of its card to
    /// <paramref name="outPath"/> (may be this file), through a temporary file; graphs and other metadata are
    /// copied unchanged. Returns the written file.
    /// </summary>
    public ModelFile WithCard(ModelCard card, string outPath)
    {
        card.Validate();
        byte[] bytes = OnnxMetadataReader.WithEntry(File.ReadAllBytes(Path), ModelCard.MetadataKey, card.ToJson());
        string tmp = outPath + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, outPath, overwrite: true);
        return new ModelFile(outPath, card);
    }

    /// <summary>The file holding the graph for <paramref name="role"/>; throws when the card lists none.</summary>
    public string GraphPath(string role)
    {
        if (!Card.Graphs.TryGetValue(role, out string? where))
            throw new InvalidDataException($"model file '{Path}': the card lists no '{role}' graph (has: {string.Join(", ", Card.Graphs.Keys)})");
        return where == ModelCard.ThisFile ? Path : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, where);
    }
}
