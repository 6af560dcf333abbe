using Robotics.Core.Episodes;
using Robotics.Trainer.Models;

namespace Robotics.Trainer.Algorithms;

/// <summary>The library entry point for training PETS ensembles (used by `robotics-train train` and the PETS loop).</summary>
public static class EnsembleTrainer
{
    /// <summary>
    /// Trains a probabilistic ensemble on <paramref name="data"/> (see <see cref="PetsDynamicsTraining"/>).
    /// Throws <see cref="InvalidDataException"/> for unusable data (empty, inconsistent sizes, NaN) and
    /// <see cref="ArgumentException"/> for invalid options. The caller disposes the result.
    /// </summary>
    public static TrainedEnsemble Train(IReadOnlyList<Transition> data, EnsembleOptions options, IProgress<EpochReport>? progress = null,
                                        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return PetsDynamicsTraining.Run(data, options, progress, time ?? TimeProvider.System, cancellationToken);
    }
}
