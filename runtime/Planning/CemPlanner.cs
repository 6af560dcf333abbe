using Robotics.Core.Spaces;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>
/// Cross-entropy method as in PETS: sample sequences from a per-step Gaussian (clipped to the action box),
/// refit mean and variance to the cheapest elites with smoothing alpha, repeat; send the mean's first action.
/// </summary>
public sealed class CemPlanner : MpcPlanner
{
    private readonly CemOptions _o;
    private readonly SequenceBuffer _buf;
    private readonly float[] _std, _eliteMean, _eliteVar;

    public CemPlanner(IBatchedWorldModel model, BoxSpace actionSpace, IReadOnlyList<ICostTerm> costs, CemOptions options, Random rng)
        : base(model, actionSpace, costs, options.Validate(), rng)
    {
        _o = options;
        _buf = new SequenceBuffer(options.Population, options.Horizon, ActDim);
        _std = new float[Horizon * ActDim];
        _eliteMean = new float[Horizon * ActDim];
        _eliteVar = new float[Horizon * ActDim];
    }

    protected override void Optimize(ReadOnlySpan<float> obs)
    {
        int a = ActDim, n = _o.Population, k = _o.Elites, len = Horizon * a;
        float[] mean = PlanBuffer;
        for (int i = 0; i < len; i++) _std[i] = InitialStd * HalfRange[i % a];
        float best = float.PositiveInfinity;

        for (int it = 0; it < _o.Iterations; it++)
        {
            for (int p = 0; p < n; p++)
            {
                Span<float> s = _buf.Sequence(p);
                for (int i = 0; i < len; i++) s[i] = Clip(mean[i] + _std[i] * Gaussian.Next(), i % a);
            }
            Scorer.Score(obs, _buf.Sequences, n, _buf.Cost);
            _buf.SortByCost(n);
            best = Math.Min(best, _buf.Cost[_buf.Order[0]]);

            EliteFit.Update(_buf, k, _o.Alpha, mean, _std, _eliteMean, _eliteVar);
        }
        BestCost = best;
        SetCandidates(_buf, n);
    }
}
