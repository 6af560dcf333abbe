using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Runtime.Controllers;

namespace Robotics.Runtime.Loop;

/// <summary>Uniform random actions inside the action box (seeded): the first data of a learning loop, and a baseline.</summary>
public sealed class UniformRandomPolicy : IController
{
    private readonly BoxSpace _space;
    private readonly Random _rng;

    public UniformRandomPolicy(BoxSpace actionSpace, Random rng)
    {
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

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        for (int i = 0; i < action.Length; i++)
            action[i] = _space.Low[i] + (float)_rng.NextDouble() * (_space.High[i] - _space.Low[i]);
    }
}
