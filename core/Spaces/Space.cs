namespace Robotics.Core.Spaces;

/// <summary>An observation or action space, as in Gymnasium. Immutable.</summary>
public abstract record Space
{
    /// <summary>Number of float32 values a flat vector of this space holds.</summary>
    public abstract int FlatSize { get; }

    /// <summary>True when every value of <paramref name="x"/> is finite and inside the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> x);
}
