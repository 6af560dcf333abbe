using Robotics.Trainer.Algorithms;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// Settings of inverse-dynamics training: the ensemble's (<see cref="EnsembleOptions"/>, whose
/// <see cref="EnsembleOptions.ValidationFraction"/> here is a fraction of episodes, used for early stopping and
/// elites) and the share of episodes held out for the reported test metrics.
/// </summary>
public sealed record InverseOptions
{
    public EnsembleOptions Ensemble { get; init; } = new() { Members = 5, Elites = 5, HiddenUnits = 200, HiddenLayers = 3 };
    /// <summary>Fraction of episodes held out (never trained or early-stopped on) for MSE and standardised MSE.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public InverseOptions Validate()
    {
        Ensemble.Validate();
        if (!(TestFraction > 0 && TestFraction < 1)) throw new ArgumentException($"test fraction must be in (0, 1), got {TestFraction}");
        if (Ensemble.ValidationFraction + TestFraction >= 0.9)
            throw new ArgumentException($"validation fraction {Ensemble.ValidationFraction} + test fraction {TestFraction} leave too few training episodes");
        return this;
    }
}
