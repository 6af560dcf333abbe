using Robotics.Core.Spaces;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>
/// MPPI: perturb the nominal plan with Gaussian noise, weight each sample by exp(-(cost - min) / lambda),
/// and move the plan to the weighted average. Sample 0 is the unperturbed plan, so a good warm start is
/// never lost to noise.
/// </summary>
public sealed class MppiPlanner : MpcPlanner
{
    private readonly MppiOptions _o;
    private readonly SequenceBuffer _buf;
    private readonly float[] _weights, _sigma;

    public MppiPlanner(IBatchedWorldModel model, BoxSpace actionSpace, IReadOnlyList<ICostTerm> costs, MppiOptions options, Random rng)
        : base(model, actionSpace, costs, options.Validate(), rng)
    {
        _o = options;
        _buf = new SequenceBuffer(options.Samples, options.Horizon, ActDim);
        _weights = new float[options.Samples];
        _sigma = new float[ActDim];
        for (int j = 0; j < ActDim; j++) _sigma[j] = options.NoiseSigma * HalfRange[j];
    }

    protected override void Optimize(ReadOnlySpan<float> obs)
    {
        int a = ActDim, n = _o.Samples, len = Horizon * a;
        float[] plan = PlanBuffer;
        for (int it = 0; it < _o.Iterations; it++)
        {
            for (int p = 0; p < n; p++)
            {
                Span<float> s = _buf.Sequence(p);
                if (p == 0) { plan.AsSpan().CopyTo(s); continue; }
                for (int i = 0; i < len; i++) s[i] = Clip(plan[i] + _sigma[i % a] * Gaussian.Next(), i % a);
            }
            Scorer.Score(obs, _buf.Sequences, n, _buf.Cost);

            float min = float.PositiveInfinity;
            for (int p = 0; p < n; p++) min = Math.Min(min, _buf.Cost[p]);
            float sum = 0, invLambda = 1f / _o.Temperature;
            for (int p = 0; p < n; p++) { _weights[p] = MathF.Exp(-(_buf.Cost[p] - min) * invLambda); sum += _weights[p]; }
            plan.AsSpan().Clear();
            for (int p = 0; p < n; p++)
            {
                float w = _weights[p] / sum;
                if (w == 0) continue;
                ReadOnlySpan<float> s = _buf.Sequence(p);
                for (int i = 0; i < len; i++) plan[i] += w * s[i];
            }
            BestCost = min;
        }
        _buf.SortByCost(n);
        SetCandidates(_buf, n);
    }
}
