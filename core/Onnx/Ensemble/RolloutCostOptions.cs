namespace Robotics.Core.Onnx.Ensemble;

/// <summary>
/// The cost a fused rollout graph sums over the horizon, per candidate: the analytic cost of the observation
/// before each step (or minus the learned reward when <see cref="Analytic"/> is null), plus
/// <see cref="UncertaintyLambda"/> x D, plus <see cref="ActionRateWeight"/> x ||a_t - a_(t-1)||^2 with
/// a_(-1) the action last sent, minus <see cref="ExplorationBonus"/> x D when exploring (the planner then
/// seeks where the ensemble disagrees). The same terms, in the same order, as the runtime's step-by-step scorer.
/// </summary>
public sealed record RolloutCostOptions
{
    public IGraphCost? Analytic { get; init; }
    public float UncertaintyLambda { get; init; }
    public float ActionRateWeight { get; init; }
    /// <summary>Weight of the exploration bonus: beta x D is subtracted from the cost (0: off).</summary>
    public float ExplorationBonus { get; init; }

    public string Describe() =>
        $"{Analytic?.Id ?? "learned_reward"};lambda={UncertaintyLambda.ToString("R", System.Globalization.CultureInfo.InvariantCulture)};" +
        $"action_rate={ActionRateWeight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" +
        (ExplorationBonus > 0 ? $";bonus={ExplorationBonus.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "");

    public RolloutCostOptions Validate()
    {
        if (!(UncertaintyLambda >= 0) || !float.IsFinite(UncertaintyLambda))
            throw new ArgumentException($"rollout cost: uncertainty lambda must be finite and >= 0, got {UncertaintyLambda}");
        if (!(ActionRateWeight >= 0) || !float.IsFinite(ActionRateWeight))
            throw new ArgumentException($"rollout cost: action-rate weight must be finite and >= 0, got {ActionRateWeight}");
        if (!(ExplorationBonus >= 0) || !float.IsFinite(ExplorationBonus))
            throw new ArgumentException($"rollout cost: exploration bonus must be finite and >= 0, got {ExplorationBonus}");
        return this;
    }
}
