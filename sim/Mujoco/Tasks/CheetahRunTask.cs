using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Mujoco.Costs;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// DeepMind Control's cheetah run on Models/cheetah.xml. <b>Observation</b> [qpos[1:] (8), qvel (9)]: DMC's
/// position without the horizontal coordinate, and velocity. <b>Action</b> six motor controls in [-1, 1].
/// <b>Reset</b> each limited joint ~ U(its range), then 200 physics steps at zero control to settle, time set
/// to 0 (DMC's initialize_episode; the settling steps are not episode steps). <b>Reward</b> (after the step)
/// tolerance(speed, (10, inf), margin 10, value_at_margin 0, linear) with speed the torso subtree's linear
/// velocity along x (sensor torso_subtreelinvel): speed / 10 up to 1. 1000 steps of 10 ms, truncated.
/// </summary>
public sealed class CheetahRunTask : MujocoTask
{
    public const string TaskId = "mj-cheetah-run";
    private readonly int _speedAdr;

    public CheetahRunTask(int seed = 0, MujocoTaskOptions? options = null)
        : base(TaskId, MujocoModels.Load(MujocoModels.Cheetah, options?.Logger), seed, options)
    {
        _speedAdr = Sim.SensorAdr[Sim.Id(MujocoObject.Sensor, "torso_subtreelinvel")];
        var low = new float[17];
        var high = new float[17];
        var names = new string[17];
        string[] joints = ["rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"];
        for (int i = 0; i < 8; i++) { names[i] = joints[i]; low[i] = -50f; high[i] = 50f; }
        names[8] = "rootx_velocity";
        for (int i = 0; i < 8; i++) names[9 + i] = joints[i] + "_velocity";
        for (int i = 8; i < 17; i++) { low[i] = -500f; high[i] = 500f; }
        ObservationSpace = new BoxSpace(low, high, names);
        Cost = new CheetahRunCost();
    }

    public override BoxSpace ObservationSpace { get; }
    public override IAnalyticCost Cost { get; }
    protected override int ObservationDimension => 17;
    protected override string ActuatorName(int index) => index switch
    {
        0 => "bthigh", 1 => "bshin", 2 => "bfoot", 3 => "fthigh", 4 => "fshin", _ => "ffoot",
    };

    /// <summary>The run reward's speed: the torso subtree's centre-of-mass velocity along x.</summary>
    public double Speed => Sim.SensorData[_speedAdr];

    protected override void InitializeEpisode()
    {
        Span<double> qpos = Sim.Qpos;
        ReadOnlySpan<int> limited = Sim.JointLimited, adr = Sim.JointQposAdr;
        ReadOnlySpan<double> range = Sim.JointRange;
        for (int j = 0; j < limited.Length; j++)
            if (limited[j] != 0) qpos[adr[j]] = Rng.Uniform(range[2 * j], range[2 * j + 1]);
        Sim.Ctrl.Clear();
        Sim.Forward();
        Sim.Step(200);
        Sim.Time = 0;
    }

    protected override double Reward() => CheetahRunCost.Run.Of(Speed);

    protected override void Observe(Span<float> obs)
    {
        ReadOnlySpan<double> qpos = Sim.Qpos, qvel = Sim.Qvel;
        for (int i = 1; i < 9; i++) obs[i - 1] = (float)qpos[i];
        for (int i = 0; i < 9; i++) obs[8 + i] = (float)qvel[i];
    }
}
