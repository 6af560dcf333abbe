using Robotics.Core.Onnx.Policy;
using Robotics.Core.Spaces;
using Robotics.Trainer.Models;
using Robotics.Trainer.OffPolicy;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.Sac;

/// <summary>The terms of one SAC update, for logs and tests.</summary>
public readonly record struct SacLosses(float Critic, float Actor, float Alpha, float AlphaLoss, float Entropy);

/// <summary>
/// Soft actor-critic over actions in [-1, 1] (the caller maps them onto the action box). One update, top to bottom:
/// 1. critic target y = r + gamma (1 - terminal) (min of the two target critics at (s', a' ~ pi(s')) - alpha log pi(a'|s'));
/// 2. twin-critic regression to y (sum of the two MSEs), one Adam step;
/// 3. actor: minimise alpha log pi(a|s) - min Q(s, a) with a = tanh(mean + std eps) (reparameterised), one Adam step;
/// 4. temperature: minimise -alpha (log pi + target entropy), one Adam step on log alpha;
/// 5. Polyak-average the target critics.
/// Observations are normalised by a standardiser fixed once (<see cref="SetObservationNormalizer"/>) before
/// the first update; it goes into the exported policy graph. Owns torch memory: dispose it.
/// </summary>
public sealed class SacAgent : IDisposable, OffPolicy.IActingAgent
{
    private const float Log2Pi = 1.8378770664093453f;
    private readonly SacOptions _o;
    private readonly DenseStack _actor, _critic, _target;
    private readonly Parameter _logAlpha;
    private readonly optim.Optimizer _actorOpt, _criticOpt, _alphaOpt;
    private readonly Generator _noise;
    private readonly float _targetEntropy;
    private Tensor _obsMean, _obsStd;
    // Scalars held for the agent's life: TorchSharp's implicit float -> Scalar temporaries have finalizers and are
    // not kept alive across the native call they feed, a race seen as "Unknown scalar type" / toFloat crashes.
    private readonly Scalar _one = 1f.ToScalar(), _minusHalf = (-0.5f).ToScalar(), _discountS, _logStdMin, _logStdHalfRange,
                            _minusHalfLog2Pi = (-0.5f * Log2Pi).ToScalar(), _onePlusEps = (1f + 1e-6f).ToScalar(), _targetEntropyS;

    public SacAgent(int obsDim, int actDim, SacOptions options, int seed)
    {
        _o = options.Validate();
        ObsDim = obsDim; ActDim = actDim;
        _noise = new Generator((ulong)seed + 17);
        using var init = new Generator((ulong)seed);
        int[] hidden = Enumerable.Repeat(_o.Hidden, _o.HiddenLayers).ToArray();
        _actor = new DenseStack("actor", 1, [obsDim, .. hidden, 2 * actDim], init);
        _critic = new DenseStack("critic", 2, [obsDim + actDim, .. hidden, 1], init);
        _target = new DenseStack("target", 2, [obsDim + actDim, .. hidden, 1], init);
        _target.CopyFrom(_critic);
        _logAlpha = nn.Parameter(full([1], MathF.Log(_o.InitialAlpha), dtype: float32));
        _actorOpt = optim.Adam(_actor.parameters(), _o.ActorLearningRate);
        _criticOpt = optim.Adam(_critic.parameters(), _o.CriticLearningRate);
        _alphaOpt = optim.Adam([_logAlpha], _o.AlphaLearningRate);
        _targetEntropy = _o.TargetEntropyFor(actDim);
        _discountS = _o.Discount.ToScalar(); _targetEntropyS = _targetEntropy.ToScalar();
        _logStdMin = _o.LogStdMin.ToScalar(); _logStdHalfRange = (0.5f * (_o.LogStdMax - _o.LogStdMin)).ToScalar();
        ObsNormalizer = new Standardizer(new float[obsDim], Enumerable.Repeat(1f, obsDim).ToArray());
        _obsMean = zeros(obsDim, dtype: float32);
        _obsStd = ones(obsDim, dtype: float32);
        Updates = 0;
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public SacOptions Options => _o;
    public Standardizer ObsNormalizer { get; private set; }
    public long Updates { get; private set; }
    public float Alpha => _logAlpha.detach().exp().item<float>();

    /// <summary>Not real-time. Fixes the observation normalisation (call once, before the first update).</summary>
    public void SetObservationNormalizer(Standardizer s)
    {
        if (s.Dimension != ObsDim) throw new ArgumentException($"sac: normaliser has {s.Dimension} columns, observations have {ObsDim}");
        ObsNormalizer = s;
        _obsMean.Dispose(); _obsStd.Dispose();
        _obsMean = tensor(s.Mean, dtype: float32);
        _obsStd = tensor(s.Std, dtype: float32);
    }

    /// <summary>Not real-time. One update on <paramref name="b"/> (steps 1-5 above).</summary>
    public SacLosses Update(TransitionBatch b)
    {
        using var scope = NewDisposeScope();
        int n = b.Size;
        Tensor o = Normalise(tensor(b.Obs, [n, ObsDim]));
        Tensor a = tensor(b.Action, [n, ActDim]);
        Tensor r = tensor(b.Reward, [n]);
        Tensor o2 = Normalise(tensor(b.Next, [n, ObsDim]));
        Tensor notDone = tensor(b.Terminal, [n]).neg().add_(_one, _one);
        Tensor alpha = _logAlpha.detach().exp();

        // 1. Target.
        Tensor y;
        using (no_grad())
        {
            var (a2, logp2) = Sample(o2);
            Tensor soft = Q(_target, o2, a2).min(0).values.sub(alpha.mul(logp2));
            y = r.add(notDone.mul(soft).mul(_discountS), _one);
        }

        // 2. Critics.
        Tensor q = Q(_critic, o, a);
        Tensor criticLoss = q.sub(y.unsqueeze(0)).square().mean([1]).sum();
        _criticOpt.zero_grad();
        criticLoss.backward();
        _criticOpt.step();

        // 3. Actor (the critics' gradients from here are cleared by the next critic step's zero_grad).
        var (pa, logp) = Sample(o);
        Tensor qPi = Q(_critic, o, pa).min(0).values;
        Tensor actorLoss = alpha.mul(logp).sub(qPi).mean();
        _actorOpt.zero_grad();
        actorLoss.backward();
        _actorOpt.step();

        // 4. Temperature.
        Tensor alphaLoss = _logAlpha.exp().neg().mul(logp.detach().add(_targetEntropyS, _one)).mean();
        _alphaOpt.zero_grad();
        alphaLoss.backward();
        _alphaOpt.step();

        // 5. Targets.
        _target.PolyakFrom(_critic, _o.Tau);
        Updates++;
        return new SacLosses(criticLoss.item<float>(), actorLoss.item<float>(), alpha.item<float>(), alphaLoss.item<float>(), -logp.mean().item<float>());
    }

    /// <summary>Not real-time. Actions in [-1, 1] for raw observations [n, obs]: tanh(mean) when deterministic, else a sample. Returns [n, act].</summary>
    public Tensor Act(Tensor obsRaw, bool deterministic)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor o = Normalise(obsRaw);
        Tensor a = deterministic ? tanh(Head(o).Mean) : Sample(o).Action;
        return a.MoveToOuterDisposeScope();
    }

    /// <summary>Not real-time. One observation -> one action in [-1, 1].</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> unit, bool deterministic)
    {
        using var scope = NewDisposeScope();
        Tensor a = Act(tensor(obs.ToArray(), [1, ObsDim]), deterministic);
        a.data<float>().CopyTo(unit);
    }

    /// <summary>The critics' values [2, n] at raw observations and [-1, 1] actions (tests).</summary>
    internal float[] QValues(float[] obs, float[] actions, int n)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Q(_critic, Normalise(tensor(obs, [n, ObsDim])), tensor(actions, [n, ActDim])).contiguous().data<float>().ToArray();
    }

    /// <summary>The actor's weights, normalisation and the action box, for core's <see cref="PolicyGraph"/>.</summary>
    public PolicyParameters ExportParameters(BoxSpace actionSpace)
    {
        if (actionSpace.Dimension != ActDim) throw new ArgumentException($"sac: action space has {actionSpace.Dimension} dimensions, the actor {ActDim}");
        using var noGrad = no_grad();
        static float[] Data(Tensor t) => t.detach().contiguous().data<float>().ToArray();
        return new PolicyParameters
        {
            ObsDim = ObsDim, ActDim = ActDim, LayerSizes = _actor.Dims,
            Weights = [.. _actor.Weights.Select(Data)], Biases = [.. _actor.Biases.Select(Data)],
            ObsMean = (float[])ObsNormalizer.Mean.Clone(), ObsStd = (float[])ObsNormalizer.Std.Clone(),
            ActionLow = (float[])actionSpace.Low.Clone(), ActionHigh = (float[])actionSpace.High.Clone(),
            LogStdMin = _o.LogStdMin, LogStdMax = _o.LogStdMax,
        }.Validate();
    }

    private Tensor Normalise(Tensor obs) => obs.sub(_obsMean).div(_obsStd);

    private (Tensor Mean, Tensor LogStd) Head(Tensor o)
    {
        Tensor h = _actor.forward(o.unsqueeze(0)).squeeze(0);
        Tensor mean = h.narrow(1, 0, ActDim);
        Tensor raw = h.narrow(1, ActDim, ActDim);
        Tensor logStd = tanh(raw).add(_one, _one).mul(_logStdHalfRange).add(_logStdMin, _one);
        return (mean, logStd);
    }

    /// <summary>a = tanh(mean + std eps) and log pi(a|s) with the tanh correction, summed over action dims.</summary>
    private (Tensor Action, Tensor LogProb) Sample(Tensor o)
    {
        var (mean, logStd) = Head(o);
        Tensor eps = randn(mean.shape, dtype: float32, generator: _noise);
        Tensor a = tanh(mean.add(logStd.exp().mul(eps), _one));
        Tensor squash = a.square().neg().add(_onePlusEps, _one).log();
        Tensor logp = eps.square().mul(_minusHalf).sub(logStd).sub(squash).add(_minusHalfLog2Pi, _one).sum(1);
        return (a, logp);
    }

    /// <summary>Both critics at (normalised obs, action): [2, n].</summary>
    private static Tensor Q(DenseStack critic, Tensor o, Tensor a)
    {
        Tensor x = cat([o, a], 1).unsqueeze(0).expand(2, -1, -1).contiguous();
        return critic.forward(x).squeeze(2);
    }

    public void Dispose()
    {
        _actorOpt.Dispose(); _criticOpt.Dispose(); _alphaOpt.Dispose();
        _actor.Dispose(); _critic.Dispose(); _target.Dispose();
        _logAlpha.Dispose(); _obsMean.Dispose(); _obsStd.Dispose();
        foreach (Scalar x in new[] { _one, _minusHalf, _discountS, _logStdMin, _logStdHalfRange, _minusHalfLog2Pi, _onePlusEps, _targetEntropyS }) x.Dispose();
        _noise.Dispose();
    }
}
