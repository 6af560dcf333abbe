using Robotics.Core.Spaces;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>
/// iCEM (Pinneri et al. 2020): CEM with coloured noise, a population shrinking by a decay factor per
/// iteration, a fraction of elites kept into the next iteration and (shifted) into the next plan, the
/// mean added to the last iteration's samples, and the best sequence seen this plan executed.
/// </summary>
public sealed class IcemPlanner : MpcPlanner
{
    private readonly IcemOptions _o;
    private readonly SequenceBuffer _buf;
    private readonly ColoredNoise _noise;
    private readonly float[] _mean, _std, _eliteMean, _eliteVar, _kept;
    private int _keptCount;

    public IcemPlanner(IBatchedWorldModel model, BoxSpace actionSpace, IReadOnlyList<ICostTerm> costs, IcemOptions options, Random rng)
        : base(model, actionSpace, costs, options.Validate(), rng)
    {
        _o = options;
        int len = Horizon * ActDim;
        _buf = new SequenceBuffer(options.MaxBatch, options.Horizon, ActDim);
        _noise = new ColoredNoise(options.Horizon, options.NoiseBeta);
        _mean = new float[len]; _std = new float[len]; _eliteMean = new float[len]; _eliteVar = new float[len];
        _kept = new float[options.KeptElites * len];
        CenterMean();
    }

    public override void Reset()
    {
        base.Reset();
        CenterMean();
        _keptCount = 0;
    }

    /// <summary>Hot path. The rejected plan's mean and kept elites go too.</summary>
    protected override void HoldPlan(ReadOnlySpan<float> action)
    {
        base.HoldPlan(action);
        for (int t = 0; t < Horizon; t++) action.CopyTo(_mean.AsSpan(t * ActDim, ActDim));
        _keptCount = 0;
    }

    protected override void ShiftWarmStart()
    {
        base.ShiftWarmStart();
        ShiftSequence(_mean);
        int len = Horizon * ActDim;
        for (int j = 0; j < _keptCount; j++) ShiftSequence(_kept.AsSpan(j * len, len));
    }

    protected override void Optimize(ReadOnlySpan<float> obs)
    {
        int a = ActDim, k = _o.Elites, len = Horizon * a;
        for (int i = 0; i < len; i++) _std[i] = InitialStd * HalfRange[i % a];
        float best = float.PositiveInfinity;
        int total = 0;

        for (int it = 0; it < _o.Iterations; it++)
        {
            int n = Math.Max((int)(_o.Population / MathF.Pow(_o.PopulationDecay, it)), 2 * k);
            for (int p = 0; p < n; p++)
            {
                Span<float> s = _buf.Sequence(p);
                for (int j = 0; j < a; j++) _noise.Sample(Gaussian, s[j..], a);
                for (int i = 0; i < len; i++) s[i] = Clip(_mean[i] + _std[i] * s[i], i % a);
            }
            if (it == _o.Iterations - 1)
            {
                Span<float> s = _buf.Sequence(n - 1);
                for (int i = 0; i < len; i++) s[i] = Clip(_mean[i], i % a);
            }
            for (int j = 0; j < _keptCount; j++) _kept.AsSpan(j * len, len).CopyTo(_buf.Sequence(n + j));
            total = n + _keptCount;

            Scorer.Score(obs, _buf.Sequences, total, _buf.Cost);
            _buf.SortByCost(total);
            int top = _buf.Order[0];
            if (_buf.Cost[top] < best)
            {
                best = _buf.Cost[top];
                _buf.Sequence(top).CopyTo(PlanBuffer);
            }
            EliteFit.Update(_buf, k, _o.Alpha, _mean, _std, _eliteMean, _eliteVar);
            _keptCount = Math.Min(_o.KeptElites, total);
            for (int j = 0; j < _keptCount; j++) _buf.Sequence(_buf.Order[j]).CopyTo(_kept.AsSpan(j * len, len));
        }
        BestCost = best;
        SetCandidates(_buf, total);
    }

    private void CenterMean()
    {
        for (int t = 0; t < Horizon; t++) Center.AsSpan().CopyTo(_mean.AsSpan(t * ActDim, ActDim));
    }
}
