namespace Robotics.Runtime.Planning;

/// <summary>
/// A planner's compute budget in planner-neutral terms (horizon x population x iterations model calls of
/// one batch), mapped onto each algorithm's options with the usual defaults: elites 10% of the population,
/// smoothing 0.1, MPPI temperature 1 with noise 0.5 of the half-range, iCEM beta 2 with decay 1.25.
/// </summary>
public sealed record PlannerBudget
{
    public int Horizon { get; init; } = 15;
    public int Population { get; init; } = 300;
    public int Iterations { get; init; } = 4;
    public ParticleMode Particles { get; init; } = ParticleMode.Average;
    public int Candidates { get; init; } = 5;
    /// <summary>MCTS's own knobs (simulations, actions, rollouts); horizon (the rollout depth) and candidates come from this budget.</summary>
    public Mcts.MctsOptions Mcts { get; init; } = new();

    /// <summary>Options for <paramref name="kind"/>, validated.</summary>
    public PlannerOptions OptionsFor(PlannerKind kind)
    {
        int elites = Math.Max(1, Population / 10);
        return kind switch
        {
            PlannerKind.Cem => new CemOptions
            {
                Horizon = Horizon, Population = Population, Elites = elites, Iterations = Iterations,
                Particles = Particles, Candidates = Math.Min(Candidates, Population),
            }.Validate(),
            PlannerKind.Mppi => new MppiOptions
            {
                Horizon = Horizon, Samples = Population, Iterations = Iterations,
                Particles = Particles, Candidates = Math.Min(Candidates, Population),
            }.Validate(),
            PlannerKind.Icem => new IcemOptions
            {
                Horizon = Horizon, Population = Population, Elites = Math.Min(elites, Population / 2), Iterations = Iterations,
                Particles = Particles, Candidates = Math.Min(Candidates, 2 * Math.Min(elites, Population / 2)),
            }.Validate(),
            PlannerKind.Mcts => Particles == ParticleMode.Average
                ? (Mcts with { Horizon = Horizon, Particles = Particles, Candidates = Candidates }).Validate()
                : throw new ArgumentException("mcts: particle mode must be average (the search follows the members' mean)"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
