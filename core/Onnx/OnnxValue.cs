namespace Robotics.Core.Onnx;

/// <summary>
/// A named value in a graph under construction: a graph input, a constant, or a node output.
/// <see cref="None"/> marks an omitted optional operator input.
/// </summary>
public readonly record struct OnnxValue(string Name)
{
    public static OnnxValue None => new("");
    public bool IsNone => string.IsNullOrEmpty(Name);
    public override string ToString() => Name;
}
