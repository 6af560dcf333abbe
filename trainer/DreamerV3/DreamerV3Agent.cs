using Robotics.Core.Onnx.Recurrent;
using Robotics.Runtime.Controllers.RecurrentPolicy;
using Robotics.Trainer.OffPolicy;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// The acting half of DreamerV3 in the trainer: carries the belief (h, z) and the previous action across steps,
/// zeroes them at an episode's start, and per observation runs exactly the runtime step graph's computation
/// (core, posterior sample from <see cref="RecurrentPolicyNoise"/>, actor) with the TorchSharp modules. Deterministic
/// acting sends the actor's mean; collecting adds its std times standard normal noise, clipped to [-1, 1].
/// </summary>
internal sealed class DreamerV3Agent : IActingAgent
{
    private readonly WorldModel _wm;
    private readonly ActorCritic _ac;
    private readonly RecurrentPolicyNoise _noise;
    private readonly float[] _prev;
    private Tensor _deter, _stoch;
    private bool _first = true;

    public DreamerV3Agent(WorldModel wm, ActorCritic ac, Random rng)
    {
        _wm = wm; _ac = ac;
        _noise = new RecurrentPolicyNoise(wm.O.Stoch, wm.ActDim, rng);
        _prev = new float[wm.ActDim];
        _deter = zeros(1, wm.O.Deter); _stoch = zeros(1, wm.O.Stoch * wm.O.Classes);
    }

    public RecurrentPolicyNoise Noise => _noise;
    /// <summary>The belief after the last step (tests compare it with the runtime's).</summary>
    public float[] Deter => _deter.data<float>().ToArray();
    public float[] Stoch => _stoch.data<float>().ToArray();
    /// <summary>The action the next step is told was sent last (after <see cref="BeginEpisode"/>: zeroed at the next step).</summary>
    public float[] PreviousAction => (float[])_prev.Clone();

    public void BeginEpisode() => _first = true;

    public void Act(ReadOnlySpan<float> obs, Span<float> unit, bool deterministic)
    {
        _noise.Fill(explore: !deterministic);
        Step(obs, _noise.Stoch, _noise.Action, unit);
    }

    /// <summary>A random seed step still advances the belief (posterior from obs), then remembers the random action.</summary>
    public void FollowRandom(ReadOnlySpan<float> obs, ReadOnlySpan<float> unit)
    {
        _noise.Fill(explore: false);
        Span<float> ignored = stackalloc float[unit.Length];
        Step(obs, _noise.Stoch, _noise.Action, ignored);
        unit.CopyTo(_prev);
    }

    /// <summary>One tick with explicit noise: the step graph's inputs and outputs.</summary>
    public void Step(ReadOnlySpan<float> obs, ReadOnlySpan<float> stochNoise, ReadOnlySpan<float> actionNoise, Span<float> unit)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (_first) { _deter.zero_(); _stoch.zero_(); Array.Clear(_prev); _first = false; }
        Tensor o = tensor(obs.ToArray(), [1, obs.Length]);
        Tensor deter = _wm.Rssm.Core(_deter, _stoch, tensor(_prev, [1, _prev.Length]));
        Tensor post = _wm.Rssm.Probs(_wm.Rssm.PosteriorLogits(deter, _wm.Embed(o)));
        Tensor stoch = _wm.Rssm.Sample(post, tensor(stochNoise.ToArray(), [1, stochNoise.Length]));
        var (mean, std) = _ac.Policy(cat([deter, stoch], -1));
        Tensor a = mean.add(std.mul(tensor(actionNoise.ToArray(), [1, actionNoise.Length]))).clamp(S.MinusOne, S.One);
        float[] action = a.data<float>().ToArray();
        action.CopyTo(unit);
        action.CopyTo(_prev, 0);
        _deter.Dispose(); _stoch.Dispose();
        _deter = deter.MoveToOuterDisposeScope(); _stoch = stoch.MoveToOuterDisposeScope();
    }

    /// <summary>The weights the runtime's step graph needs, as core's plain arrays.</summary>
    public RecurrentPolicyParameters ExportParameters()
    {
        DreamerModelOptions m = _wm.O;
        var (in0, in1, in2, hidden, gru, posterior) = _wm.Rssm.Export();
        return new RecurrentPolicyParameters
        {
            ObsDim = _wm.ObsDim, ActDim = _wm.ActDim, Deter = m.Deter, Blocks = m.Blocks, Stoch = m.Stoch, Classes = m.Classes,
            Unimix = m.Unimix, NormEps = Dense.NormEps, MinStd = m.MinStd, MaxStd = m.MaxStd,
            Encoder = _wm.Encoder.Export(), DynInDeter = in0, DynInStoch = in1, DynInAction = in2, DynHidden = hidden, DynGru = gru,
            Posterior = posterior, Actor = _ac.Actor.Export(),
        }.Validate();
    }
}
