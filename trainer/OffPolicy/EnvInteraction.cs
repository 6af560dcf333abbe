using Robotics.Sim.Environments;
using Robotics.Trainer.Pets;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// The real-environment half of an off-policy learner (SAC, MBPO): one step per call, uniform random actions for
/// the first seed steps and the agent's stochastic policy after, every transition stored in the replay buffer (actions
/// in the agent's [-1, 1] units), episodes reset from the training seeds and their returns kept. <paramref name="rng"/>
/// is the learner's own generator (it also samples its batches), so a seed gives one run. A recurrent agent follows the
/// random seed steps too (<see cref="IActingAgent.FollowRandom"/>), so its belief is current when it takes over mid-episode.
/// </summary>
public sealed class EnvInteraction(IEnvironment env, IExperienceSink replay, Random rng, int seed, int seedSteps)
{
    private readonly ActionScaler _scaler = new(env.ActionSpace);
    private readonly float[] _obs = new float[env.ObservationSpace.Dimension], _next = new float[env.ObservationSpace.Dimension];
    private readonly float[] _unit = new float[env.ActionSpace.Dimension], _envAction = new float[env.ActionSpace.Dimension];
    private bool _done = true;
    private int _episode;
    private double _episodeReturn;

    /// <summary>Return of the last finished training episode (NaN before the first).</summary>
    public double LastEpisodeReturn { get; private set; } = double.NaN;

    /// <summary>Takes environment step <paramref name="step"/> (0-based).</summary>
    public void Step(int step, IActingAgent agent)
    {
        if (_done)
        {
            env.Reset(PetsLoop.TrainSeedBase(seed) + _episode++, _obs);
            _done = false; _episodeReturn = 0;
            replay.BeginEpisode(_obs);
            agent.BeginEpisode();
        }
        if (step < seedSteps)
        {
            for (int j = 0; j < _unit.Length; j++) _unit[j] = (float)(rng.NextDouble() * 2 - 1);
            agent.FollowRandom(_obs, _unit);
        }
        else agent.Act(_obs, _unit, deterministic: false);
        _scaler.ToEnv(_unit, _envAction);
        StepResult r = env.Step(_envAction, _next);
        replay.Add(_obs, _unit, r.Reward, _next, r.Terminated);
        _episodeReturn += r.Reward;
        _next.CopyTo(_obs, 0);
        if (r.Done) { _done = true; LastEpisodeReturn = _episodeReturn; }
    }
}
