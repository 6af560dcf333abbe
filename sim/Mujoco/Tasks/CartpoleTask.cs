using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Sim.Mujoco.Costs;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// DeepMind Control's cartpole balance / swingup (dense or sparse) on Models/cartpole.xml.
/// <para>
/// <b>Observation</b> [cart x, pole zz, pole xz, xdot, thetadot]: DMC's position = (cart position, the pole
/// body's xmat zz and xz = cos and sin of the pole angle, 0 upright) and velocity = qvel.
/// <b>Action</b> ctrl in [-1, 1] (motor gear 10 on the slider).
/// <b>Reset</b>: swingup: x ~ 0.01 N(0,1), theta ~ pi + 0.01 N(0,1); balance: x ~ U(-0.1, 0.1), theta ~
/// U(-0.034, 0.034); then qvel ~ 0.01 N(0,1) (DMC's initialize_episode).
/// <b>Reward</b> (after the step): dense = (cos + 1)/2 x (4 + quad)/5 x (1 + g_w)/2 x (1 + g_x)/2 with
/// quad = tolerance(ctrl, margin 1, value_at_margin 0, quadratic), g_w = tolerance(thetadot, margin 5),
/// g_x = tolerance(x, margin 2) (gaussian); sparse = tolerance(x, (-0.25, 0.25)) x tolerance(cos, (0.995, 1)).
/// See <see cref="CartpoleCost"/>. 1000 steps of 10 ms, truncated.
/// </para>
/// </summary>
public sealed class CartpoleTask : MujocoTask
{
    private readonly bool _swingUp;
    private readonly int _pole;

    public CartpoleTask(bool swingUp, bool sparse, int seed = 0, MujocoTaskOptions? options = null)
        : base(IdOf(swingUp, sparse), MujocoModels.Load(MujocoModels.Cartpole, options?.Logger), seed, options)
    {
        _swingUp = swingUp;
        _pole = Sim.Id(MujocoObject.Body, "pole_1");
        Sparse = sparse;
        // Cart speeds stay under ~5 m/s and pole rates under ~30 rad/s at full force; the bounds leave margin.
        ObservationSpace = new BoxSpace([-2f, -1f, -1f, -20f, -100f], [2f, 1f, 1f, 20f, 100f],
            ["cart_position", "pole_zz", "pole_xz", "cart_velocity", "pole_angular_velocity"]);
        Cost = new CartpoleCost(sparse);
    }

    public bool Sparse { get; }
    public override BoxSpace ObservationSpace { get; }
    public override IAnalyticCost Cost { get; }
    protected override int ObservationDimension => 5;
    protected override string ActuatorName(int index) => "slide";

    public static string IdOf(bool swingUp, bool sparse) =>
        "mj-cartpole-" + (swingUp ? "swingup" : "balance") + (sparse ? "-sparse" : "");

    protected override void InitializeEpisode()
    {
        Span<double> qpos = Sim.Qpos, qvel = Sim.Qvel;
        if (_swingUp)
        {
            qpos[0] = 0.01 * Rng.NextGaussian();
            qpos[1] = Math.PI + 0.01 * Rng.NextGaussian();
        }
        else
        {
            qpos[0] = Rng.Uniform(-0.1, 0.1);
            qpos[1] = Rng.Uniform(-0.034, 0.034);
        }
        for (int i = 0; i < qvel.Length; i++) qvel[i] = 0.01 * Rng.NextGaussian();
    }

    protected override double Reward() =>
        CartpoleCost.Reward(Sparse, Sim.Qpos[0], Xmat(_pole, 8), Sim.Qvel[1], Sim.Ctrl[0]);

    protected override void Observe(Span<float> obs)
    {
        obs[0] = (float)Sim.Qpos[0];
        obs[1] = (float)Xmat(_pole, 8);
        obs[2] = (float)Xmat(_pole, 2);
        obs[3] = (float)Sim.Qvel[0];
        obs[4] = (float)Sim.Qvel[1];
    }
}
