using Robotics.Core.Robots;
using Robotics.Core.Spaces;

namespace Robotics.Runtime.Controllers.RecurrentPolicy;

/// <summary>
/// Kind <c>recurrent-policy</c> (DreamerV3) on the loop. It carries the belief (deter, stoch) across ticks: each
/// <see cref="Act"/> runs one step graph on the observation, the carried state and the action the robot was sent
/// last, and keeps the new state; <see cref="Observe"/> stores what the gate actually sent (mapped back to [-1, 1]),
/// so a clamp or a veto enters the belief as it happened; <see cref="Reset"/> makes the next tick an episode's first
/// (state and previous action zeroed in the graph). Deterministic action (noise 0), latents sampled from a seeded
/// generator (<see cref="RecurrentPolicyNoise"/>). Candidates: +-25% of the half-range per dimension and halfway to
/// the safe action, as the feed-forward policy offers.
/// </summary>
public sealed class RecurrentPolicyController : IController
{
    private readonly OnnxRecurrentPolicy _p;
    private readonly RecurrentPolicyNoise _noise;
    private readonly float[] _center, _half, _low, _high, _safe, _candidates;
    private bool _first = true;

    public RecurrentPolicyController(OnnxRecurrentPolicy policy, BoxSpace actionSpace, float[] safeAction, Random rng)
    {
        if (actionSpace.Dimension != policy.ActDim || safeAction.Length != policy.ActDim)
            throw new ArgumentException($"recurrent policy: the robot's action space has {actionSpace.Dimension} dimensions, the policy {policy.ActDim}");
        _p = policy;
        int a = policy.ActDim;
        _noise = new RecurrentPolicyNoise(policy.StochLatents, a, rng);
        _center = new float[a]; _half = new float[a];
        _low = (float[])actionSpace.Low.Clone(); _high = (float[])actionSpace.High.Clone(); _safe = (float[])safeAction.Clone();
        for (int j = 0; j < a; j++)
        {
            bool finite = float.IsFinite(_low[j]) && float.IsFinite(_high[j]);
            _center[j] = finite ? 0.5f * (_low[j] + _high[j]) : 0f;
            _half[j] = finite ? 0.5f * (_high[j] - _low[j]) : 1f;
        }
        _candidates = new float[(2 * a + 1) * a];
    }

    public OnnxRecurrentPolicy Policy => _p;
    public int ActDim => _p.ActDim;
    public ReadOnlySpan<float> Candidates => _candidates;
    /// <summary>The belief after the last tick (tests compare it with the trainer's).</summary>
    public ReadOnlySpan<float> Deter => _p.Deter;

    public void Reset() => _first = true;

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        _noise.Fill(explore: false);
        obs.CopyTo(_p.Obs);
        _p.IsFirst[0] = _first ? 1f : 0f;
        _noise.Stoch.CopyTo(_p.StochNoise, 0);
        _noise.Action.CopyTo(_p.ActionNoise, 0);
        _p.Run();
        _first = false;
        _p.NextDeter.CopyTo(_p.Deter, 0);
        _p.NextStoch.CopyTo(_p.Stoch, 0);
        int a = ActDim;
        for (int j = 0; j < a; j++) action[j] = _center[j] + _half[j] * _p.Action[j];
        // Until Observe says otherwise, the proposal is what was sent (a loop that never calls Observe still advances).
        _p.Action.CopyTo(_p.PrevAction, 0);
        for (int c = 0; c < 2 * a; c++)
        {
            Span<float> dst = _candidates.AsSpan(c * a, a);
            action.CopyTo(dst);
            int j = c / 2;
            float step = 0.25f * _half[j];
            dst[j] = Math.Clamp(dst[j] + (c % 2 == 0 ? step : -step), _low[j], _high[j]);
        }
        Span<float> mid = _candidates.AsSpan(2 * a * a, a);
        for (int j = 0; j < a; j++) mid[j] = 0.5f * (action[j] + _safe[j]);
    }

    /// <summary>Hot path, allocation-free. The sent action, back in [-1, 1], is the next tick's previous action.</summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision)
    {
        for (int j = 0; j < ActDim; j++)
            _p.PrevAction[j] = float.IsFinite(sent[j]) ? Math.Clamp((sent[j] - _center[j]) / _half[j], -1f, 1f) : 0f;
    }

    public void Dispose() => _p.Dispose();
}
