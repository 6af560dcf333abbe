namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// The cost a fused rollout graph sums over the horizon, per candidate: the analytic cost of the observation
/// before each step (or minus the learned reward when <see cref="Analytic"/> is null), plus
/// <see cref="UncertaintyLambda"/> x D, plus <see cref="ActionRateWeight"/> x ||a_t - a_(t-1)||^2 with
/// a_(-1) the action last sent, minus <see cref="ExplorationBonus"/> x D when exploring (the planner then
/// seeks where the ensemble disagrees). The same terms, in the same order, as the runtime's step-by-step scorer.
/// Tree search's leaf values (issue 18) weight step t's cost by <see cref="Discount"/>^t and, with a
/// <see cref="Termination"/>, by 0 once a predicted state is terminal (the terminating step itself still counts), as the
/// step-by-step leaf rollouts do; the MPC planners keep the defaults (1, none), which leave the graph as it was.
/// </summary>
public sealed record RolloutCostOptions
{
    public IGraphCost? Analytic { get; init; }
    public float UncertaintyLambda { get; init; }
    public float ActionRateWeight { get; init; }
    /// <summary>Weight of the exploration bonus: beta x D is subtracted from the cost (0: off).</summary>
    public float ExplorationBonus { get; init; }
    /// <summary>Step t's cost is weighted by Discount^t (1: the plain sum).</summary>
    public float Discount { get; init; } = 1f;
    /// <summary>Stops a candidate's cost at its first predicted terminal state (null or never: no mask).</summary>
    public IGraphTermination? Termination { get; init; }

    /// <summary>True when the graph masks costs after a terminal state.</summary>
    public bool Terminates => Termination is { Never: false };

    public string Describe() =>
        $"{Analytic?.Id ?? "learned_reward"};lambda={UncertaintyLambda.ToString("R", System.Globalization.CultureInfo.InvariantCulture)};" +
        $"action_rate={ActionRateWeight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" +
        (ExplorationBonus > 0 ? $";bonus={ExplorationBonus.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "") +
        (Discount < 1 ? $";discount={Discount.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "") +
        (Terminates ? $";terminal={Termination!.Id}" : "");

    public RolloutCostOptions Validate()
    {
        if (!(UncertaintyLambda >= 0) || !float.IsFinite(UncertaintyLambda))
            throw new ArgumentException($"rollout cost: uncertainty lambda must be finite and >= 0, got {UncertaintyLambda}");
        if (!(ActionRateWeight >= 0) || !float.IsFinite(ActionRateWeight))
            throw new ArgumentException($"rollout cost: action-rate weight must be finite and >= 0, got {ActionRateWeight}");
        if (!(ExplorationBonus >= 0) || !float.IsFinite(ExplorationBonus))
            throw new ArgumentException($"rollout cost: exploration bonus must be finite and >= 0, got {ExplorationBonus}");
        if (!(Discount > 0 && Discount <= 1))
            throw new ArgumentException($"rollout cost: discount must be in (0, 1], got {Discount}");
        return this;
    }
}
