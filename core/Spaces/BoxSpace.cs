namespace Robotics.Core.Spaces;

/// <summary>
/// A box of float32 values with per-dimension bounds and names (Gymnasium's Box).
/// Bounds may be infinite; names are used on the wire and in model cards.
/// </summary>
public sealed record BoxSpace : Space
{
    public BoxSpace(float[] low, float[] high, string[] names)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(names);
        if (low.Length == 0)
            throw new ArgumentException("a box needs at least one dimension", nameof(low));
        if (low.Length != high.Length || low.Length != names.Length)
            throw new ArgumentException(
                $"box low ({low.Length}), high ({high.Length}) and names ({names.Length}) must have the same length");
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"box dimension {i} ('{names[i]}') has invalid bounds [{low[i]}, {high[i]}]");
            if (string.IsNullOrWhiteSpace(names[i]))
                throw new ArgumentException($"box dimension {i} has no name", nameof(names));
        }
        Low = (float[])low.Clone();
        High = (float[])high.Clone();
        Names = (string[])names.Clone();
    }

    public float[] Low { get; }
    public float[] High { get; }
    public string[] Names { get; }

    public int Dimension => Low.Length;
    public override int FlatSize => Low.Length;

    /// <summary>Hot path: allocation-free containment check; NaN/Inf is never contained.</summary>
    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Low.Length) return false;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (!float.IsFinite(v) || v < Low[i] || v > High[i]) return false;
        }
        return true;
    }

    /// <summary>Hot path: clamps <paramref name="x"/> into the box in place; returns true when anything changed.</summary>
    public bool Clip(Span<float> x)
    {
        bool changed = false;
        for (int i = 0; i < x.Length; i++)
        {
            float v = Math.Clamp(x[i], Low[i], High[i]);
            if (v != x[i]) { x[i] = v; changed = true; }
        }
        return changed;
    }

    /// <summary>Structural equality (records compare arrays by reference otherwise).</summary>
    public bool Equals(BoxSpace? other) =>
        other is not null && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High)
        && Names.AsSpan().SequenceEqual(other.Names);

    public override int GetHashCode() => HashCode.Combine(Low.Length, Names.Length > 0 ? Names[0] : "");

    public override string ToString() =>
        "Box(" + string.Join(", ", Names.Select((n, i) => $"{n}:[{Low[i]}, {High[i]}]")) + ")";
}
