namespace Robotics.Trainer.Pets;

/// <summary>
/// The evaluation return (mean over the evaluation episodes) at which each built-in task counts as solved;
/// drawn on the learning curve.
/// <list type="bullet">
/// <item>pendulum -200: swung up and held from every start (an optimal controller scores about -150 on
/// average; one that never gets up scores below -800).</item>
/// <item>cartpole-swingup 100: reward is in [-0.01, 1] per step over 200 steps; the swing-up itself takes
/// about 40 steps, so 100 means the pole is balanced upright over a centred cart for well over half of
/// the episode (an oracle CEM on the true dynamics scores 177).</item>
/// <item>pendulum-pos -250 (issue 16): the same swing-up without the velocity sensor.</item>
/// <item>reacher2d -2: reward is minus the tip-target distance per step over 50 steps; reaching within
/// about 10 steps and then holding within 2 cm (a tenth of the 0.21 m reach) sums to about -1.5, while
/// staying still scores about -7 on average.</item>
/// <item>cartpole 475: Gymnasium's CartPole-v1 reward threshold (the 500-step limit is the most).</item>
/// </list>
/// </summary>
public static class PetsTargets
{
    public static double? For(string envId) => envId switch
    {
        "pendulum" => -200,
        "cartpole" => 475,
        "pendulum-pos" => -250,
        "cartpole-swingup" or "cartpole-swingup-pos" => 100,
        "reacher2d" => -2,
        _ => null,
    };
}
