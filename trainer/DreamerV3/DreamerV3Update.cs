using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>Everything one update reports.</summary>
internal readonly record struct DreamerLosses(ModelLosses Model, ActorCriticLosses Behaviour);

/// <summary>
/// One DreamerV3 update on a batch of replayed sequences, top to bottom:
/// 1. the slices become Dreamer's per-step inputs: obs_t, the action that led to it (zero at the slice's first step),
///    is_first (the first step: every slice starts from the zero state), the reward received on arriving (masked at
///    the first step) and the continuation flag;
/// 2. the world model filters them (posterior samples), its loss gets one Adam step (eps 1e-8, clip 1000);
/// 3. from every posterior state, detached, the actor and critic learn in imagination (<see cref="ActorCritic"/>; their
///    own Adam steps, eps 1e-5, clip 100). Gradients the behaviour losses leave on other networks are cleared.
/// </summary>
internal sealed class DreamerV3Update : IDisposable
{
    private readonly WorldModel _wm;
    private readonly ActorCritic _ac;
    private readonly DreamerV3Options _o;
    private readonly Generator _noise;
    private readonly optim.Optimizer _modelOpt, _actorOpt, _criticOpt;
    private readonly Parameter[] _modelParams, _actorParams, _criticParams;

    public DreamerV3Update(WorldModel wm, ActorCritic ac, DreamerV3Options o, Generator noise)
    {
        _wm = wm; _ac = ac; _o = o; _noise = noise;
        _modelParams = [.. wm.parameters()];
        _actorParams = [.. ac.Actor.parameters()];
        _criticParams = [.. ac.Critic.parameters()];
        _modelOpt = optim.Adam(_modelParams, o.ModelLearningRate, eps: 1e-8);
        _actorOpt = optim.Adam(_actorParams, o.ActorLearningRate, eps: 1e-5);
        _criticOpt = optim.Adam(_criticParams, o.CriticLearningRate, eps: 1e-5);
    }

    /// <summary>Not real-time. obs [T, B, O], action [T-1, B, A] (in [-1, 1]), reward and terminated [T-1, B].</summary>
    public DreamerLosses Step(Tensor obs, Tensor action, Tensor reward, Tensor terminated)
    {
        using var scope = NewDisposeScope();
        long t = obs.shape[0], b = obs.shape[1];

        // 1. Per-step inputs.
        Tensor prevAction = cat([zeros(1, b, _wm.ActDim), action], 0);
        Tensor isFirst = cat([ones(1, b), zeros(t - 1, b)], 0);
        Tensor rewardIn = cat([zeros(1, b), reward], 0);
        Tensor rewardMask = cat([zeros(1, b), ones(t - 1, b)], 0);
        Tensor cont = cat([ones(1, b), terminated.neg().add(S.One)], 0);

        // 2. World model.
        ObservedStates states = _wm.Observe(obs, prevAction, isFirst, rand([t, b, _wm.O.Stoch], generator: _noise));
        var (loss, parts) = _wm.Loss(states, obs, rewardIn, rewardMask, cont);
        _modelOpt.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(_modelParams, _o.ModelGradClip);
        _modelOpt.step();

        // 3. Behaviour in imagination from every posterior state.
        long n = t * b;
        ActorCriticLosses behaviour = _ac.Update(_wm, states.Deter.detach().reshape(n, _wm.O.Deter),
            states.Stoch.detach().reshape(n, _wm.O.Stoch * _wm.O.Classes), cont.reshape(n), _actorOpt, _criticOpt, _actorParams, _criticParams);
        _modelOpt.zero_grad();
        return new DreamerLosses(parts, behaviour);
    }

    public void Dispose()
    {
        _modelOpt.Dispose(); _actorOpt.Dispose(); _criticOpt.Dispose();
    }
}
