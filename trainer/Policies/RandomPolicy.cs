using Robotics.Core.Spaces;

namespace Robotics.Trainer.Policies;

/// <summary>Uniform random actions inside a bounded action box, from an injected seeded generator (the baseline).</summary>
public sealed class RandomPolicy : IPolicy
{
    public const string PolicyName = "random";

    private readonly BoxSpace _space;
    private readonly Random _rng;

    public RandomPolicy(BoxSpace actionSpace, Random rng)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < actionSpace.Dimension; i++)
            if (!float.IsFinite(actionSpace.Low[i]) || !float.IsFinite(actionSpace.High[i]))
                throw new ArgumentException($"a random policy needs finite action bounds; '{actionSpace.Names[i]}' is unbounded", nameof(actionSpace));
        _space = actionSpace;
        _rng = rng;
    }

    public string Name => PolicyName;

    public void Reset() { }

    /// <summary>Hot path: one uniform draw per action dimension, in [low, high].</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        float[] low = _space.Low, high = _space.High;
        for (int i = 0; i < low.Length; i++)
            action[i] = Math.Min(high[i], (float)(low[i] + _rng.NextDouble() * ((double)high[i] - low[i])));
    }
}
