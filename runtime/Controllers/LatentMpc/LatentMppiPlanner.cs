namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// TD-MPC2's MPPI over the ONNX latent model, as the trainer's reference planner does it (same steps, same
/// noise layout, so given one <see cref="LatentMppiNoise"/> both return the same action):
/// 1. encode the observation; roll the policy prior out for P trajectories (one graph call);
/// 2. mean = the previous plan's mean shifted by one step (zeros at an episode's first step), std = max;
/// 3. per iteration: N - P Gaussian samples clamped to [-1, 1] beside the prior's; score all N with the
///    fused value graph (one call); the K best by value weighted exp(temperature (v - max)); refit
///    mean and std (clamped);
/// 4. Gumbel-max pick of one elite; its first action (+ std x noise when exploring).
/// Actions are the model's [-1, 1] units. Buffers are allocated at construction; <see cref="Act"/> allocates nothing.
/// </summary>
public sealed class LatentMppiPlanner
{
    private readonly LatentOnnxModel _m;
    private readonly LatentMppiOptions _o;
    private readonly float[] _mean, _std, _prevMean, _order, _eliteValue, _score, _eliteActions;
    private readonly int[] _index;

    public LatentMppiPlanner(LatentOnnxModel model, LatentMppiOptions options)
    {
        _m = model; _o = options.Validate();
        if (model.Horizon != options.Horizon || model.Samples != options.Samples || model.PolicySamples != options.PolicySamples)
            throw new ArgumentException($"latent mppi: model sessions are sized for H {model.Horizon}, N {model.Samples}, P {model.PolicySamples}; options ask for H {options.Horizon}, N {options.Samples}, P {options.PolicySamples}");
        int ha = options.Horizon * model.ActDim;
        _mean = new float[ha]; _std = new float[ha]; _prevMean = new float[ha];
        _order = new float[options.Samples]; _index = new int[options.Samples];
        _eliteValue = new float[options.Elites]; _score = new float[options.Elites];
        _eliteActions = new float[options.Elites * ha];
    }

    public LatentMppiOptions Options => _o;
    public int ActDim => _m.ActDim;
    /// <summary>The mean after the last plan [H, A] (the next plan's warm start).</summary>
    public ReadOnlySpan<float> Mean => _prevMean;
    /// <summary>Elites of the last plan, best value first: [K, H, A].</summary>
    public ReadOnlySpan<float> EliteActions => _eliteActions;
    public float BestValue { get; private set; }

    /// <summary>Hot path, allocation-free. Plans from <paramref name="obs"/>; writes the first action ([-1, 1] units).</summary>
    public void Act(ReadOnlySpan<float> obs, bool firstStep, bool explore, LatentMppiNoise noise, Span<float> action)
    {
        int h = _o.Horizon, n = _o.Samples, p = _o.PolicySamples, k = _o.Elites, a = _m.ActDim, g = n - p, ha = h * a;

        // 1. Encode and the prior's trajectories.
        obs.CopyTo(_m.Obs);
        _m.Encode();
        if (p > 0)
        {
            noise.PolicyEps.CopyTo(_m.PolicyEps, 0);
            _m.RollOutPolicy();
            for (int t = 0; t < h; t++) _m.PolicyActions.AsSpan(t * p * a, p * a).CopyTo(_m.Actions.AsSpan(t * n * a, p * a));
        }

        // 2. Warm start.
        Array.Clear(_mean);
        if (!firstStep) Array.Copy(_prevMean, a, _mean, 0, (h - 1) * a);
        Array.Fill(_std, _o.MaxStd);

        // 3. Iterations.
        for (int it = 0; it < _o.Iterations; it++)
        {
            ReadOnlySpan<float> z = noise.Samples.AsSpan(it * h * g * a, h * g * a);
            for (int t = 0; t < h; t++)
                for (int s = 0; s < g; s++)
                    for (int j = 0; j < a; j++)
                    {
                        float v = _mean[t * a + j] + _std[t * a + j] * z[(t * g + s) * a + j];
                        _m.Actions[(t * n + p + s) * a + j] = Math.Clamp(v, -1f, 1f);
                    }
            noise.TerminalEps.AsSpan(it * n * a, n * a).CopyTo(_m.TerminalEps);
            _m.QPair[0] = noise.QPairs[2 * it];
            _m.QPair[1] = noise.QPairs[2 * it + 1];
            _m.Score();

            // Top K by value, best first (values negated so an ascending sort puts the best first).
            for (int s = 0; s < n; s++)
            {
                float v = _m.Value[s];
                _order[s] = float.IsNaN(v) ? -0f : float.IsPositiveInfinity(v) ? -float.MaxValue : float.IsNegativeInfinity(v) ? float.MaxValue : -v;
                _index[s] = s;
            }
            Array.Sort(_order, _index);
            float max = -_order[0], sum = 0;
            for (int e = 0; e < k; e++)
            {
                _eliteValue[e] = -_order[e];
                _score[e] = MathF.Exp(_o.Temperature * (_eliteValue[e] - max));
                sum += _score[e];
                int src = _index[e];
                for (int t = 0; t < h; t++)
                    _m.Actions.AsSpan((t * n + src) * a, a).CopyTo(_eliteActions.AsSpan(e * ha + t * a, a));
            }
            float total = 0;
            for (int e = 0; e < k; e++) { _score[e] /= sum; total += _score[e]; }
            for (int i = 0; i < ha; i++)
            {
                float m = 0;
                for (int e = 0; e < k; e++) m += _score[e] * _eliteActions[e * ha + i];
                m /= total + 1e-9f;
                float v = 0;
                for (int e = 0; e < k; e++) { float d = _eliteActions[e * ha + i] - m; v += _score[e] * d * d; }
                _mean[i] = m;
                _std[i] = Math.Clamp(MathF.Sqrt(v / (total + 1e-9f)), _o.MinStd, _o.MaxStd);
            }
            BestValue = max;
        }

        // 4. Gumbel-max choice of one elite.
        int best = 0;
        float bestLogit = float.NegativeInfinity;
        for (int e = 0; e < k; e++)
        {
            float logit = MathF.Log(_score[e]) + noise.Gumbel[e];
            if (logit > bestLogit) { bestLogit = logit; best = e; }
        }
        for (int j = 0; j < a; j++)
            action[j] = Math.Clamp(_eliteActions[best * ha + j] + (explore ? _std[j] * noise.ActionNoise[j] : 0f), -1f, 1f);
        _mean.CopyTo(_prevMean, 0);
    }
}
