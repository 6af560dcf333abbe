using Robotics.Trainer.Algorithms;

namespace Robotics.Trainer.Safety;

/// <summary>
/// Settings of the safety gate's out-of-distribution measurement (<see cref="SafetyOodMeasurement"/>):
/// how much in-region data the model learns from, where the probe states lie, and which threshold
/// factors (x the card's disagreement p99) are measured.
/// </summary>
public sealed record SafetyOodOptions
{
    public int TrainTransitions { get; init; } = 5000;
    /// <summary>The model sees only transitions with |theta_dot| below this (rad/s).</summary>
    public float TrainMaxAbsThetaDot { get; init; } = 2f;
    /// <summary>Out-of-distribution probe states have |theta_dot| in (this, 8].</summary>
    public float OodMinAbsThetaDot { get; init; } = 6f;
    public int ProbeStates { get; init; } = 500;
    public int ActionsPerState { get; init; } = 4;
    public double[] ThresholdFactors { get; init; } = [1.0, 1.5, 2.0];
    public EnsembleOptions Ensemble { get; init; } = new();
    public int Seed { get; init; }

    public SafetyOodOptions Validate()
    {
        if (TrainTransitions < 100) throw new ArgumentException($"safety-ood: train transitions must be >= 100, got {TrainTransitions}");
        if (!(TrainMaxAbsThetaDot > 0 && TrainMaxAbsThetaDot < OodMinAbsThetaDot && OodMinAbsThetaDot < 8))
            throw new ArgumentException(
                $"safety-ood: need 0 < train max |thdot| ({TrainMaxAbsThetaDot}) < OOD min |thdot| ({OodMinAbsThetaDot}) < 8 (the pendulum's speed limit)");
        if (ProbeStates < 1 || ActionsPerState < 1)
            throw new ArgumentException($"safety-ood: probe states and actions per state must be >= 1, got {ProbeStates} and {ActionsPerState}");
        if (ThresholdFactors is null || ThresholdFactors.Length == 0 || ThresholdFactors.Any(f => !(f > 0) || !double.IsFinite(f)))
            throw new ArgumentException("safety-ood: threshold factors must be a non-empty list of finite values > 0");
        Ensemble.Validate();
        return this;
    }
}
