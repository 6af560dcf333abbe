using Robotics.Core.Robots;
using Robotics.Core.Spaces;

namespace Robotics.Runtime.Controllers.Policy;

/// <summary>
/// Kind <c>policy</c> on the loop: the policy's deterministic action for each state, and as the gate's
/// candidates on a veto, perturbations of it (plus and minus <see cref="PerturbationFraction"/> of the half-range on
/// each dimension, then halfway to the safe action), clamped to the box; the gate keeps the one its predictor
/// is least unsure about, or falls back to the safe action.
/// </summary>
public sealed class PolicyController : IController
{
    /// <summary>Perturbation per dimension, as a fraction of the action box's half-range.</summary>
    public const float PerturbationFraction = 0.25f;
    private readonly OnnxPolicy _policy;
    private readonly float[] _low, _high, _step, _safe, _candidates;

    public PolicyController(OnnxPolicy policy, BoxSpace actionSpace, float[] safeAction)
    {
        if (actionSpace.Dimension != policy.ActDim || safeAction.Length != policy.ActDim)
            throw new ArgumentException($"policy: the robot's action space has {actionSpace.Dimension} dimensions, the policy {policy.ActDim}");
        _policy = policy;
        int a = policy.ActDim;
        _low = (float[])actionSpace.Low.Clone(); _high = (float[])actionSpace.High.Clone(); _safe = (float[])safeAction.Clone();
        _step = new float[a];
        for (int j = 0; j < a; j++) _step[j] = PerturbationFraction * 0.5f * (_high[j] - _low[j]);
        _candidates = new float[(2 * a + 1) * a];
    }

    public OnnxPolicy Policy => _policy;
    public int ActDim => _policy.ActDim;
    public ReadOnlySpan<float> Candidates => _candidates;

    public void Reset() { }

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        obs.CopyTo(_policy.Obs);
        _policy.Run(1);
        int a = ActDim;
        ReadOnlySpan<float> pi = _policy.Action.AsSpan(0, a);
        pi.CopyTo(action);
        for (int c = 0; c < 2 * a; c++)
        {
            Span<float> dst = _candidates.AsSpan(c * a, a);
            pi.CopyTo(dst);
            int j = c / 2;
            dst[j] = Math.Clamp(dst[j] + (c % 2 == 0 ? _step[j] : -_step[j]), _low[j], _high[j]);
        }
        Span<float> mid = _candidates.AsSpan(2 * a * a, a);
        for (int j = 0; j < a; j++) mid[j] = 0.5f * (pi[j] + _safe[j]);
    }

    /// <summary>Hot path, allocation-free. A feed-forward policy keeps no state.</summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }

    public void Dispose() => _policy.Dispose();
}
