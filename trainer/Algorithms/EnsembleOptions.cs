namespace Robotics.Trainer.Algorithms;

/// <summary>
/// Settings of PETS dynamics training (<see cref="PetsDynamicsTraining"/>). Defaults follow the PETS
/// paper's ensemble (7 members, 5 elites, 4 x 200 SiLU) and mbrl-lib's Pendulum settings.
/// </summary>
public sealed record EnsembleOptions
{
    /// <summary>Ensemble members trained, each on its own bootstrap of the training split.</summary>
    public int Members { get; init; } = 7;
    /// <summary>Members with the lowest validation error that are kept and exported.</summary>
    public int Elites { get; init; } = 5;
    public int HiddenUnits { get; init; } = 200;
    public int HiddenLayers { get; init; } = 4;
    /// <summary>Upper bound on passes over the training split; early stopping usually ends sooner.</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Minibatch rows per member per Adam step.</summary>
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>L2 penalty coefficient on the weight matrices (not biases or log-variance bounds).</summary>
    public double WeightDecay { get; init; } = 5e-5;
    /// <summary>Fraction of transitions held out for validation, elite selection and disagreement calibration.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Stop after this many epochs in which no member improved its validation error by more than <see cref="ImprovementThreshold"/>.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>Relative validation-error improvement that counts as progress (0.01 = 1%).</summary>
    public double ImprovementThreshold { get; init; } = 0.01;
    /// <summary>Weight on the log-variance bounds in the loss, keeping them tight around the data.</summary>
    public double LogVarBoundPenalty { get; init; } = 0.01;
    public int Seed { get; init; }
    /// <summary>How the disagreement D is computed (in training's calibration and in the exported graph).</summary>
    public Robotics.Core.Models.DisagreementMeasure Disagreement { get; init; } = Robotics.Core.Models.DisagreementMeasures.Default;
    /// <summary>Torch intra-op threads. 1-2 are steadier than more on a small shared machine.</summary>
    public int Threads { get; init; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public EnsembleOptions Validate()
    {
        Check(Members >= 1, $"members must be >= 1, got {Members}");
        Check(Elites >= 1 && Elites <= Members, $"elites must be in [1, members={Members}], got {Elites}");
        Check(HiddenUnits >= 1, $"hidden units must be >= 1, got {HiddenUnits}");
        Check(HiddenLayers >= 1, $"hidden layers must be >= 1, got {HiddenLayers}");
        Check(Epochs >= 1, $"epochs must be >= 1, got {Epochs}");
        Check(BatchSize >= 1, $"batch size must be >= 1, got {BatchSize}");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"learning rate must be > 0, got {LearningRate}");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"weight decay must be >= 0, got {WeightDecay}");
        Check(ValidationFraction > 0 && ValidationFraction < 1, $"validation fraction must be in (0, 1), got {ValidationFraction}");
        Check(Patience >= 1, $"patience must be >= 1, got {Patience}");
        Check(ImprovementThreshold >= 0, $"improvement threshold must be >= 0, got {ImprovementThreshold}");
        Check(LogVarBoundPenalty >= 0, $"log-variance bound penalty must be >= 0, got {LogVarBoundPenalty}");
        Check(Threads >= 1, $"threads must be >= 1, got {Threads}");
        return this;
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
