using System.Globalization;
using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// A DeepMind Control task on a MuJoCo model, as an <see cref="IEnvironment"/>. DMC semantics: the action is
/// clipped to the control range and written to ctrl, the physics steps (dm_control's step, so mjData is in
/// sync with the new state), and the reward is computed on the state after the step; there is no terminal
/// state, and the episode is truncated after <see cref="MujocoTaskOptions.TimeLimitSteps"/> environment steps
/// (1000). With an action repeat of k an agent step is k environment steps with their rewards summed.
/// Randomised physics (<see cref="PhysicsRandomisation"/>) is drawn at each reset from its own seeded stream,
/// so the same seed gives the same initial states with and without it.
/// </summary>
public abstract class MujocoTask : IEnvironment, IEpisodeMetadataSource, IDisposable
{
    private readonly float[] _safeAction;
    private readonly SeededRandom _physicsRng;
    private readonly PhysicsRandomiser? _randomiser;
    private readonly float[] _history; // ring of past true observations for the delay, [(maxDelay + 1) x obsDim]
    private readonly int _historyRows;
    private int _historyHead;
    private int _envSteps;
    private int _seed;

    protected MujocoTask(string id, MujocoSimulation sim, int seed, MujocoTaskOptions? options)
    {
        Options = (options ?? MujocoTaskOptions.Default).Validate();
        Sim = sim;
        Rng = new SeededRandom(seed);
        _physicsRng = new SeededRandom(PhysicsSeed(seed));
        _seed = seed;
        if (sim.Nu == 0) throw new MujocoException($"MuJoCo: model '{sim.Name}' has no actuators");
        Id = Options.ActionRepeat == 1 && Options.Randomisation.IsNone ? id : MujocoTaskId.Format(id, Options);
        BaseId = id;
        var low = new float[sim.Nu];
        var high = new float[sim.Nu];
        for (int i = 0; i < sim.Nu; i++)
        {
            bool limited = sim.ActuatorCtrlLimited[i] != 0;
            low[i] = limited ? (float)sim.ActuatorCtrlRange[2 * i] : -1f;
            high[i] = limited ? (float)sim.ActuatorCtrlRange[2 * i + 1] : 1f;
        }
        ActionSpace = new BoxSpace(low, high, ActuatorNames());
        _safeAction = new float[sim.Nu];
        if (!Options.Randomisation.IsNone) _randomiser = new PhysicsRandomiser(Options.Randomisation, sim);
        _historyRows = Options.Randomisation.ObservationDelaySteps.High + 1;
        ControlPeriod = TimeSpan.FromSeconds(sim.Timestep * Options.ActionRepeat);
        MaxEpisodeSteps = (Options.TimeLimitSteps + Options.ActionRepeat - 1) / Options.ActionRepeat;
        // Derived classes set ObservationSpace and Cost; the history needs the observation size, known after.
        _history = new float[_historyRows * ObservationDimension];
    }

    /// <summary>Registry id, with the options appended when they are not DMC's defaults (see <see cref="MujocoTaskId"/>).</summary>
    public string Id { get; }
    /// <summary>The task's id without options, e.g. "mj-cartpole-swingup".</summary>
    public string BaseId { get; }
    public abstract BoxSpace ObservationSpace { get; }
    public BoxSpace ActionSpace { get; }
    public TimeSpan ControlPeriod { get; }
    public float[] SafeAction => (float[])_safeAction.Clone();
    public int MaxEpisodeSteps { get; }
    public abstract IAnalyticCost Cost { get; }
    public MujocoTaskOptions Options { get; }
    public MujocoSimulation Sim { get; }

    /// <summary>Environment steps taken in this episode (agent steps x action repeat, the papers' count).</summary>
    public int EnvironmentSteps => _envSteps;

    /// <summary>The task's generator (initial states, targets); re-seeded by a seeded reset.</summary>
    protected SeededRandom Rng { get; }

    /// <summary>Observation size, constant for a task (known before the space is built).</summary>
    protected abstract int ObservationDimension { get; }

    /// <summary>Allocation-free. DMC's initialize_episode: sets the initial state (after mj_resetData and randomisation).</summary>
    protected abstract void InitializeEpisode();

    /// <summary>Allocation-free. The reward of the current state (after the step) and the control just applied.</summary>
    protected abstract double Reward();

    /// <summary>Allocation-free. Writes the true observation of the current state.</summary>
    protected abstract void Observe(Span<float> obs);

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s)
        {
            _seed = s;
            Rng.Reseed(s);
            _physicsRng.Reseed(PhysicsSeed(s));
        }
        Sim.Reset();
        _randomiser?.Apply(Sim, _physicsRng);
        InitializeEpisode();
        Sim.Forward();
        _envSteps = 0;
        RestartObservation(obs);
    }

    /// <summary>
    /// Observation index of each generalised velocity qvel[i]: every task here observes qvel unchanged as its last
    /// <see cref="MujocoSimulation.Nv"/> dimensions, as DMC does. Probes of states beyond the data use it.
    /// </summary>
    public int[] VelocityObservationDims
    {
        get
        {
            var dims = new int[Sim.Nv];
            for (int i = 0; i < dims.Length; i++) dims[i] = ObservationDimension - Sim.Nv + i;
            return dims;
        }
    }

    /// <summary>
    /// Not real-time. Replaces the generalised velocities of the current state (positions unchanged) and writes
    /// its observation, which the delay history then holds as it would after a reset. For out-of-distribution probes.
    /// </summary>
    public void SetVelocities(ReadOnlySpan<double> qvel, Span<float> obs)
    {
        if (qvel.Length != Sim.Nv) throw new ArgumentException($"{Id}: expected {Sim.Nv} velocities, got {qvel.Length}");
        qvel.CopyTo(Sim.Qvel);
        Sim.Forward();
        RestartObservation(obs);
    }

    private void RestartObservation(Span<float> obs)
    {
        Span<float> first = _history.AsSpan(0, ObservationDimension);
        Observe(first);
        for (int r = 1; r < _historyRows; r++) first.CopyTo(_history.AsSpan(r * ObservationDimension, ObservationDimension));
        _historyHead = 0;
        Emit(obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        ApplyControl(action);
        double reward = 0;
        for (int k = 0; k < Options.ActionRepeat && _envSteps < Options.TimeLimitSteps; k++)
        {
            Sim.StepSynced();
            _envSteps++;
            reward += Reward();
        }
        _historyHead = (_historyHead + 1) % _historyRows;
        Observe(_history.AsSpan(_historyHead * ObservationDimension, ObservationDimension));
        Emit(obs);
        return new StepResult((float)reward, Terminated: false, Truncated: _envSteps >= Options.TimeLimitSteps);
    }

    /// <summary>Allocation-free. DMC's before_step: the action clipped to the control range into ctrl (NaN: 0).</summary>
    protected void ApplyControl(ReadOnlySpan<float> action)
    {
        Span<double> ctrl = Sim.Ctrl;
        for (int i = 0; i < ctrl.Length; i++)
        {
            float a = action[i];
            ctrl[i] = float.IsNaN(a) ? 0.0 : Math.Clamp(a, ActionSpace.Low[i], ActionSpace.High[i]);
        }
    }

    public void DescribeEpisode(IDictionary<string, string> into)
    {
        into["robotics.mujoco.model"] = Sim.Name;
        into["robotics.mujoco.version"] = MujocoSimulation.Version.ToString(CultureInfo.InvariantCulture);
        into["robotics.mujoco.action_repeat"] = Options.ActionRepeat.ToString(CultureInfo.InvariantCulture);
        into["robotics.episode_seed"] = _seed.ToString(CultureInfo.InvariantCulture);
        if (_randomiser is not null) _randomiser.Describe(into);
        else into["robotics.randomisation"] = "none";
    }

    public void Dispose()
    {
        Sim.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The delayed, noisy observation the robot reports (the true one when not randomised).</summary>
    private void Emit(Span<float> obs)
    {
        int delay = _randomiser?.DelaySteps ?? 0;
        int row = ((_historyHead - delay) % _historyRows + _historyRows) % _historyRows;
        _history.AsSpan(row * ObservationDimension, ObservationDimension).CopyTo(obs);
        double std = _randomiser?.NoiseStd ?? 0;
        if (std > 0)
            for (int i = 0; i < obs.Length; i++) obs[i] += (float)(std * _physicsRng.NextGaussian());
    }

    private string[] ActuatorNames()
    {
        var names = new string[Sim.Nu];
        for (int i = 0; i < names.Length; i++) names[i] = ActuatorName(i);
        return names;
    }

    /// <summary>Name of actuator <paramref name="index"/> for the action space (override to name them).</summary>
    protected virtual string ActuatorName(int index) => "ctrl_" + index.ToString(CultureInfo.InvariantCulture);

    private static int PhysicsSeed(int seed) => unchecked(seed * 1_000_003 + 0x5EED);

    /// <summary>A body's rotation-matrix entry (row-major: 8 = zz, 2 = xz) from mjData.xmat.</summary>
    protected double Xmat(int body, int entry) => Sim.Xmat[9 * body + entry];
}
