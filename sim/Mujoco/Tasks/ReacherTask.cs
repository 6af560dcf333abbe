using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Environments;
using Robotics.Sim.Mujoco.Costs;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// DeepMind Control's reacher easy (target radius 0.05) / hard (0.015) on Models/reacher.xml.
/// <b>Observation</b> [shoulder, wrist, target - finger (x, y), shoulder rate, wrist rate] (DMC's position,
/// to_target, velocity). <b>Action</b> ctrl in [-1, 1] per joint. <b>Reset</b> shoulder ~ U(-pi, pi), wrist ~
/// U(its +-160 degree range) (DMC's randomize_limited_and_rotational_joints), target at angle U(0, 2 pi) and
/// radius U(0.05, 0.2). <b>Reward</b> (after the step) tolerance(|target - finger|, (0, target + finger radius)):
/// 1 while the finger touches the target. 1000 steps of 20 ms, truncated.
/// <b>Goal</b> (<see cref="IGoalRelabelling"/>) the target's (x, y): the arm's dynamics ignore it, so a recorded
/// transition under another target is another true one.
/// </summary>
public sealed class ReacherTask : MujocoTask, IGoalRelabelling
{
    public const double EasyTarget = 0.05, HardTarget = 0.015;
    private readonly int _target, _finger;
    private readonly double _wristLow, _wristHigh;

    public ReacherTask(bool hard, int seed = 0, MujocoTaskOptions? options = null)
        : base(hard ? "mj-reacher-hard" : "mj-reacher-easy", MujocoModels.Load(MujocoModels.Reacher, options?.Logger), seed, options)
    {
        _target = Sim.Id(MujocoObject.Geom, "target");
        _finger = Sim.Id(MujocoObject.Geom, "finger");
        int wrist = Sim.Id(MujocoObject.Joint, "wrist");
        _wristLow = Sim.JointRange[2 * wrist];
        _wristHigh = Sim.JointRange[2 * wrist + 1];
        TargetSize = hard ? HardTarget : EasyTarget;
        Sim.GeomSize[3 * _target] = TargetSize;
        double radii = TargetSize + Sim.GeomSize[3 * _finger];
        // The shoulder is unlimited: its angle winds; the bound is generous, not a joint limit.
        ObservationSpace = new BoxSpace([-1000f, -3f, -0.5f, -0.5f, -200f, -200f], [1000f, 3f, 0.5f, 0.5f, 200f, 200f],
            ["shoulder", "wrist", "to_target_x", "to_target_y", "shoulder_velocity", "wrist_velocity"]);
        Cost = new ReacherCost(radii);
    }

    public double TargetSize { get; }
    public override BoxSpace ObservationSpace { get; }
    public override IAnalyticCost Cost { get; }
    protected override int ObservationDimension => 6;
    protected override string ActuatorName(int index) => index == 0 ? "shoulder" : "wrist";

    protected override void InitializeEpisode()
    {
        Sim.GeomSize[3 * _target] = TargetSize; // mj_resetData leaves the model alone; set it anyway
        Span<double> qpos = Sim.Qpos;
        qpos[0] = Rng.Uniform(-Math.PI, Math.PI);
        qpos[1] = Rng.Uniform(_wristLow, _wristHigh);
        double angle = Rng.Uniform(0, 2 * Math.PI), radius = Rng.Uniform(MinTargetRadius, MaxTargetRadius);
        PlaceTarget(radius * Math.Sin(angle), radius * Math.Cos(angle));
    }

    private const double MinTargetRadius = 0.05, MaxTargetRadius = 0.20;

    private void PlaceTarget(double x, double y)
    {
        Span<double> pos = Sim.GeomPos;
        pos[3 * _target] = x;
        pos[3 * _target + 1] = y;
    }

    public int GoalDimension => 2;

    /// <summary>Not real-time. A target (x, y) drawn as a reset draws it: angle U(0, 2 pi), radius U(0.05, 0.2).</summary>
    public void DrawGoal(Random rng, Span<float> goal)
    {
        double angle = rng.NextDouble() * 2 * Math.PI, radius = MinTargetRadius + rng.NextDouble() * (MaxTargetRadius - MinTargetRadius);
        goal[0] = (float)(radius * Math.Sin(angle));
        goal[1] = (float)(radius * Math.Cos(angle));
    }

    /// <summary>
    /// Not real-time; moves the target and the arm, so <see cref="MujocoTask.Reset"/> before stepping again. The arm's
    /// recorded state is kept (positions and rates of both observations); to_target is the new target minus the finger
    /// the forward kinematics put there; the reward is DMC's summed over the action repeat's substeps, which the
    /// recording does not hold, so it re-simulates them from the recorded state under nominal physics. A task with
    /// randomised physics or observations cannot say what its recorded state was, and refuses.
    /// </summary>
    public float Relabel(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, ReadOnlySpan<float> nextObs, ReadOnlySpan<float> goal,
                         Span<float> newObs, Span<float> newNext)
    {
        if (!Options.Randomisation.IsNone)
            throw new InvalidOperationException($"{Id}: relabelling re-simulates the recorded state under nominal physics; data of a randomised task cannot be relabelled");
        PlaceTarget(goal[0], goal[1]);
        PlaceArm(nextObs);
        Observe(newNext);
        PlaceArm(obs);
        Observe(newObs);
        ApplyControl(action);
        double reward = 0;
        for (int k = 0; k < Options.ActionRepeat; k++)
        {
            Sim.StepSynced();
            reward += Reward();
        }
        return (float)reward;
    }

    private void PlaceArm(ReadOnlySpan<float> o)
    {
        Span<double> qpos = Sim.Qpos, qvel = Sim.Qvel;
        qpos[0] = o[0];
        qpos[1] = o[1];
        qvel[0] = o[4];
        qvel[1] = o[5];
        Sim.Forward();
    }

    protected override double Reward()
    {
        ReadOnlySpan<double> g = Sim.GeomXpos;
        double dx = g[3 * _target] - g[3 * _finger], dy = g[3 * _target + 1] - g[3 * _finger + 1], dz = g[3 * _target + 2] - g[3 * _finger + 2];
        return ((ReacherCost)Cost).Reach.Of(Math.Sqrt(dx * dx + dy * dy + dz * dz));
    }

    protected override void Observe(Span<float> obs)
    {
        ReadOnlySpan<double> g = Sim.GeomXpos;
        obs[0] = (float)Sim.Qpos[0];
        obs[1] = (float)Sim.Qpos[1];
        obs[2] = (float)(g[3 * _target] - g[3 * _finger]);
        obs[3] = (float)(g[3 * _target + 1] - g[3 * _finger + 1]);
        obs[4] = (float)Sim.Qvel[0];
        obs[5] = (float)Sim.Qvel[1];
    }
}
