using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Mujoco.Costs;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// DeepMind Control's pendulum swingup on Models/pendulum.xml. <b>Observation</b> [pole zz, pole xz, hinge
/// rate] (DMC's orientation and velocity). <b>Action</b> torque ctrl in [-1, 1]. <b>Reset</b> hinge ~ U(-pi, pi),
/// at rest. <b>Reward</b> (after the step) tolerance(zz, (cos 8 deg, 1)): 1 within 8 degrees of upright, else 0.
/// 1000 steps of 20 ms, truncated.
/// </summary>
public sealed class PendulumSwingupTask : MujocoTask
{
    public const string TaskId = "mj-pendulum-swingup";
    private readonly int _pole;

    public PendulumSwingupTask(int seed = 0, MujocoTaskOptions? options = null)
        : base(TaskId, MujocoModels.Load(MujocoModels.Pendulum, options?.Logger), seed, options)
    {
        _pole = Sim.Id(MujocoObject.Body, "pole");
        ObservationSpace = new BoxSpace([-1f, -1f, -100f], [1f, 1f, 100f], ["pole_zz", "pole_xz", "hinge_velocity"]);
        Cost = new PendulumSwingupCost();
    }

    public override BoxSpace ObservationSpace { get; }
    public override IAnalyticCost Cost { get; }
    protected override int ObservationDimension => 3;
    protected override string ActuatorName(int index) => "torque";

    protected override void InitializeEpisode() => Sim.Qpos[0] = Rng.Uniform(-Math.PI, Math.PI);

    protected override double Reward() => PendulumSwingupCost.Upright.Of(Xmat(_pole, 8));

    protected override void Observe(Span<float> obs)
    {
        obs[0] = (float)Xmat(_pole, 8);
        obs[1] = (float)Xmat(_pole, 2);
        obs[2] = (float)Sim.Qvel[0];
    }
}
