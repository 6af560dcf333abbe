namespace Robotics.Runtime.Planning;

/// <summary>
/// Candidate action sequences and their costs as structure-of-arrays, allocated once: sequences
/// [capacity, H, act_dim], cost [capacity], and a sort order by cost.
/// </summary>
public sealed class SequenceBuffer
{
    private readonly float[] _sortKeys;

    public SequenceBuffer(int capacity, int horizon, int actDim)
    {
        Capacity = capacity; Horizon = horizon; ActDim = actDim;
        Sequences = new float[capacity * horizon * actDim];
        Cost = new float[capacity];
        Order = new int[capacity];
        _sortKeys = new float[capacity];
    }

    public int Capacity { get; }
    public int Horizon { get; }
    public int ActDim { get; }
    public int Stride => Horizon * ActDim;
    public float[] Sequences { get; }
    public float[] Cost { get; }
    /// <summary>Indices of the first <c>count</c> sequences, cheapest first, after <see cref="SortByCost"/>.</summary>
    public int[] Order { get; }

    public Span<float> Sequence(int i) => Sequences.AsSpan(i * Stride, Stride);

    /// <summary>Hot path, allocation-free. Sorts the first <paramref name="count"/> indices by cost.</summary>
    public void SortByCost(int count)
    {
        for (int i = 0; i < count; i++) { Order[i] = i; _sortKeys[i] = Cost[i]; }
        Array.Sort(_sortKeys, Order, 0, count);
    }
}
