using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Runtime.Controllers;

namespace Robotics.Runtime.Loop;

/// <summary>Uniform random actions inside the action box (seeded): the first data of a learning loop, and a baseline.</summary>
public sealed class UniformRandomPolicy : IController
{
    /// <summary>The name recorded with data it collected.</summary>
    public const string PolicyName = "random";

    private readonly BoxSpace _space;
    private readonly Random _rng;

    public UniformRandomPolicy(BoxSpace actionSpace, Random rng)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < actionSpace.Dimension; i++)
            if (!float.IsFinite(actionSpace.Low[i]) || !float.IsFinite(actionSpace.High[i]))
                throw new ArgumentException($"random policy: action '{actionSpace.Names[i]}' has an unbounded range");
        _space = actionSpace;
        _rng = rng;
    }

    public int ActDim => _space.Dimension;
    public void Reset() { }
    public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
    public void Dispose() { }

    /// <summary>Hot path, allocation-free: one uniform draw per dimension in [low, high] (rounding never leaves the box).</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        float[] low = _space.Low, high = _space.High;
        for (int i = 0; i < action.Length; i++)
            action[i] = Math.Min(high[i], (float)(low[i] + _rng.NextDouble() * ((double)high[i] - low[i])));
    }
}
