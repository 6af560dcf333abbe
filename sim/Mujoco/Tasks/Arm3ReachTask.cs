using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Mujoco.Costs;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// A reach task for the three-joint arm with joint limits (Models/arm3.xml), written in DMC's style.
/// <b>Observation</b> [shoulder, elbow, wrist, target - finger (x, z), three joint rates].
/// <b>Action</b> three motor controls in [-1, 1]. <b>Reset</b> each joint ~ U(half its range), at rest; the
/// target at radius U(0.15, 0.55) from the shoulder and elevation U(-30, 90) degrees in the arm's plane
/// (inside the reach of 0.6 m). <b>Reward</b> (after the step) tolerance(|target - finger|, (0, 0.04),
/// margin 0.2, gaussian): 1 when the finger touches the 0.03 m target, decaying to 0.1 at 0.2 m beyond.
/// Gravity acts, so holding a pose takes torque. 1000 steps of 10 ms, truncated.
/// </summary>
public sealed class Arm3ReachTask : MujocoTask
{
    public const string TaskId = "mj-arm3-reach";
    private readonly int _target, _finger;

    public Arm3ReachTask(int seed = 0, MujocoTaskOptions? options = null)
        : base(TaskId, MujocoModels.Load(MujocoModels.Arm3, options?.Logger), seed, options)
    {
        _target = Sim.Id(MujocoObject.Geom, "target");
        _finger = Sim.Id(MujocoObject.Geom, "finger");
        // The limits are soft (MuJoCo's constraint springs), so a fast joint overshoots them a little: bound at +-pi.
        ObservationSpace = new BoxSpace([-3.2f, -3.2f, -3.2f, -1.5f, -1.5f, -100f, -100f, -100f], [3.2f, 3.2f, 3.2f, 1.5f, 1.5f, 100f, 100f, 100f],
            ["shoulder", "elbow", "wrist", "to_target_x", "to_target_z", "shoulder_velocity", "elbow_velocity", "wrist_velocity"]);
        Cost = new Arm3ReachCost();
    }

    public override BoxSpace ObservationSpace { get; }
    public override IAnalyticCost Cost { get; }
    protected override int ObservationDimension => 8;
    protected override string ActuatorName(int index) => index switch { 0 => "shoulder", 1 => "elbow", _ => "wrist" };

    protected override void InitializeEpisode()
    {
        Span<double> qpos = Sim.Qpos;
        ReadOnlySpan<double> range = Sim.JointRange;
        for (int j = 0; j < 3; j++) qpos[j] = 0.5 * Rng.Uniform(range[2 * j], range[2 * j + 1]);
        double radius = Rng.Uniform(0.15, 0.55), elevation = Rng.Uniform(-30, 90) * Math.PI / 180;
        Span<double> pos = Sim.GeomPos;
        pos[3 * _target] = radius * Math.Cos(elevation);
        pos[3 * _target + 1] = 0;
        pos[3 * _target + 2] = 0.05 + radius * Math.Sin(elevation);
    }

    protected override double Reward()
    {
        ReadOnlySpan<double> g = Sim.GeomXpos;
        double dx = g[3 * _target] - g[3 * _finger], dy = g[3 * _target + 1] - g[3 * _finger + 1], dz = g[3 * _target + 2] - g[3 * _finger + 2];
        return Arm3ReachCost.Reach.Of(Math.Sqrt(dx * dx + dy * dy + dz * dz));
    }

    protected override void Observe(Span<float> obs)
    {
        ReadOnlySpan<double> g = Sim.GeomXpos, qpos = Sim.Qpos, qvel = Sim.Qvel;
        for (int i = 0; i < 3; i++) obs[i] = (float)qpos[i];
        obs[3] = (float)(g[3 * _target] - g[3 * _finger]);
        obs[4] = (float)(g[3 * _target + 2] - g[3 * _finger + 2]);
        for (int i = 0; i < 3; i++) obs[5 + i] = (float)qvel[i];
    }
}
