namespace Robotics.Trainer.Pets;

/// <summary>
/// Per-environment PETS settings that reached each task's target (<see cref="PetsTargets"/>) here; the
/// <c>pets</c> command starts from these and explicit flags override them.
/// <list type="bullet">
/// <item>pendulum: the <see cref="PetsOptions"/> defaults (3 x 64 SiLU, CEM 200 x 15 x 3).</item>
/// <item>cartpole-swingup: CEM population 400 over horizon 50 (2.5 s): 200 candidates rarely contain a pumping
/// sequence, and at horizon 25 the controller failed 4 of 10 swing-ups (the pole spinning past the top, where it
/// cannot plan the catch), at 50 none (docs/results/veto/session6.md).</item>
/// <item>reacher2d: 3 x 200 hidden units. 3 x 64 stayed at a validation MSE of 0.10-0.15 (normalised) and an
/// evaluation return of -6 to -9 after 1,200 steps; 3 x 200 fits to 0.01-0.04 and crosses -2 by 800-1,000 steps.</item>
/// <item>cartpole (CartPole-v1, for <c>--planner mcts</c>): 5 random episodes (one is ~20 steps), rollouts of
/// horizon 20 (0.4 s) and 8 rollouts per leaf, the budget that holds the true dynamics at 475+; with
/// <c>--planner mcts</c> the node's actions are its two pushes.</item>
/// <item>pendulum with <c>--planner mcts</c>: 5 discrete torques (-2, -1, 0, 1, 2) unless --discrete-actions says otherwise.</item>
/// </list>
/// </summary>
public static class PetsPresets
{
    public static PetsOptions For(string envId, string outDir)
    {
        var o = new PetsOptions { EnvId = envId, OutDir = outDir };
        return envId switch
        {
            "cartpole" => o with
            {
                RandomEpisodes = 5,
                Budget = o.Budget with { Horizon = 20, Mcts = o.Budget.Mcts with { Simulations = 32, Rollouts = 8, DiscreteActions = 2 } },
            },
            "pendulum" => o with { Budget = o.Budget with { Mcts = o.Budget.Mcts with { DiscreteActions = 5 } } },
            "cartpole-swingup" or "cartpole-swingup-pos" => o with { Budget = o.Budget with { Population = 400, Horizon = 50 } },
            "reacher2d" => o with { Ensemble = o.Ensemble with { HiddenUnits = 200 } },
            _ => o,
        };
    }
}
