namespace Robotics.Core.Tasks;

/// <summary>
/// Which dimensions of a fully observed task's observation a partially observed variant shows, in order
/// (e.g. pendulum's [cos, sin] of [cos, sin, thdot]). The hidden ones are filled with zeros where the full
/// task's cost or termination needs a whole observation: the part of the cost the sensors can see.
/// </summary>
public sealed class ObservedDimensions
{
    private readonly int[] _kept;

    public ObservedDimensions(int fullDimension, params int[] kept)
    {
        if (fullDimension <= 0) throw new ArgumentException($"full dimension must be positive, got {fullDimension}");
        if (kept.Length == 0 || kept.Length >= fullDimension)
            throw new ArgumentException($"a partial observation keeps between 1 and {fullDimension - 1} of {fullDimension} dimensions, got {kept.Length}");
        for (int i = 0; i < kept.Length; i++)
            if (kept[i] < 0 || kept[i] >= fullDimension || (i > 0 && kept[i] <= kept[i - 1]))
                throw new ArgumentException($"kept dimensions must be increasing and inside [0, {fullDimension}), got [{string.Join(", ", kept)}]");
        FullDimension = fullDimension;
        _kept = [.. kept];
    }

    public int FullDimension { get; }
    public int Dimension => _kept.Length;
    public IReadOnlyList<int> Kept => _kept;

    /// <summary>Hot path, allocation-free. The observed dimensions of a full observation.</summary>
    public void Select(ReadOnlySpan<float> full, Span<float> observed)
    {
        for (int i = 0; i < _kept.Length; i++) observed[i] = full[_kept[i]];
    }

    /// <summary>Hot path, allocation-free. A full observation with the hidden dimensions set to zero.</summary>
    public void Expand(ReadOnlySpan<float> observed, Span<float> full)
    {
        full[..FullDimension].Clear();
        for (int i = 0; i < _kept.Length; i++) full[_kept[i]] = observed[i];
    }

    /// <summary>The [Dimension, FullDimension] 0/1 matrix whose product with an observed row is <see cref="Expand"/> (the ONNX form).</summary>
    public float[] ExpansionMatrix()
    {
        var m = new float[_kept.Length * FullDimension];
        for (int i = 0; i < _kept.Length; i++) m[i * FullDimension + _kept[i]] = 1f;
        return m;
    }
}
