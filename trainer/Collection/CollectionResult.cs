namespace Robotics.Trainer.Collection;

/// <summary>What a collection run produced.</summary>
public sealed record CollectionResult(IReadOnlyList<float> Returns, long Transitions, IReadOnlyList<string> Files, TimeSpan Elapsed)
{
    public int Episodes => Returns.Count;

    public double MeanReturn => Returns.Count == 0 ? double.NaN : Returns.Average(r => (double)r);

    /// <summary>Population standard deviation (numpy's default, ddof=0).</summary>
    public double StdReturn
    {
        get
        {
            if (Returns.Count == 0) return double.NaN;
            double mean = MeanReturn;
            return Math.Sqrt(Returns.Sum(r => (r - mean) * (r - mean)) / Returns.Count);
        }
    }
}
