namespace Robotics.Core.Models;

/// <summary>
/// Reads format-1 cards (ensemble dynamics only: ensemble_size, elites, disagreement_p99/max at the top
/// level) and maps them onto format 2: kind ensemble-dynamics, graphs {step: "."}, the ensemble and
/// uncertainty sections, and task_cost naming the env id (how format-1 models found their cost).
/// </summary>
internal static class ModelCardFormat1
{
    private sealed record Card
    {
        public int FormatVersion { get; init; } = 1;
        public string Algo { get; init; } = "pets";
        public string EnvId { get; init; } = "";
        public CardSpace ObservationSpace { get; init; } = null!;
        public CardSpace ActionSpace { get; init; } = null!;
        public double ControlPeriodSeconds { get; init; }
        public int EnsembleSize { get; init; }
        public int Elites { get; init; }
        public string TrainingDataDigest { get; init; } = "";
        public long TrainingTransitions { get; init; }
        public Dictionary<string, double>? Metrics { get; init; }
        public string TrainerVersion { get; init; } = "";
        public double DisagreementP99 { get; init; } = double.NaN;
        public double DisagreementMax { get; init; } = double.NaN;
    }

    public static ModelCard Read(string json)
    {
        Card c = ModelCard.Deserialize<Card>(json);
        if (c.EnsembleSize < 1) throw new InvalidDataException($"model card: ensemble_size must be >= 1, got {c.EnsembleSize}");
        if (!(c.DisagreementP99 >= 0) || !double.IsFinite(c.DisagreementP99))
            throw new InvalidDataException($"model card: disagreement_p99 must be finite and >= 0, got {c.DisagreementP99}");
        return new ModelCard
        {
            Kind = ModelKinds.EnsembleDynamics,
            Algo = c.Algo,
            EnvId = c.EnvId,
            ObservationSpace = c.ObservationSpace,
            ActionSpace = c.ActionSpace,
            ControlPeriodSeconds = c.ControlPeriodSeconds,
            TrainingDataDigest = c.TrainingDataDigest,
            TrainingTransitions = c.TrainingTransitions,
            TrainerVersion = string.IsNullOrWhiteSpace(c.TrainerVersion) ? "unknown" : c.TrainerVersion,
            Metrics = c.Metrics ?? new(),
            Graphs = new() { [GraphRoles.Step] = ModelCard.ThisFile },
            Ensemble = new EnsembleSection(c.EnsembleSize, c.Elites),
            Uncertainty = new UncertaintyCalibration { P99 = c.DisagreementP99, Max = c.DisagreementMax },
            TaskCost = string.IsNullOrWhiteSpace(c.EnvId) ? null : new TaskCostSection(c.EnvId),
        }.Validate();
    }
}
