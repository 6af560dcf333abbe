using Robotics.Core.Models;
using Robotics.Core.Episodes;
using Robotics.Trainer.Models;
using Robotics.Trainer.Native;

namespace Robotics.Trainer.Algorithms;

/// <summary>
/// PETS dynamics training (Chua et al. 2018, "Deep RL in a handful of trials"), top to bottom:
/// 1. split off a validation set of random rows (inputs [obs, action], targets [next_obs - obs, reward]);
/// 2. fit the probabilistic ensemble (<see cref="EnsembleFitting"/>: normalisation, bootstraps, Gaussian NLL,
///    per-member early stopping on the validation rows);
/// 3. keep the best <see cref="EnsembleOptions.Elites"/> members and calibrate their disagreement on the
///    validation set (99th percentile and maximum), the threshold the safety gate starts from.
/// </summary>
internal static class PetsDynamicsTraining
{
    public static TrainedEnsemble Run(IReadOnlyList<Transition> data, EnsembleOptions options, IProgress<EpochReport>? progress,
                                      TimeProvider time, CancellationToken cancellationToken)
    {
        options.Validate();
        TorchSetup.Ensure(options.Threads);
        long started = time.GetTimestamp();
        var rng = new Random(options.Seed);

        // 1. Split.
        DynamicsDataset all = DynamicsDataset.From(data);
        if (all.Count < 10) throw new InvalidDataException($"need at least 10 transitions to train and validate, got {all.Count}");
        int[] order = SplitOrder(all.Count, rng);
        int nVal = HeldOutCount(all.Count, options.ValidationFraction);
        DynamicsDataset validation = all.Rows(order[..nVal]);
        DynamicsDataset train = all.Rows(order[nVal..]);

        // 2. Fit.
        var fit = EnsembleFitting.Fit(
            new EnsembleFitting.Rows(train.Inputs, train.Targets, train.InputDim, train.TargetDim),
            new EnsembleFitting.Rows(validation.Inputs, validation.Targets, validation.InputDim, validation.TargetDim),
            options, rng, progress, time, started, cancellationToken);

        // 3. Elites, disagreement calibration on the validation split.
        try
        {
            double[] best = fit.MemberValidationMse;
            int[] elites = Enumerable.Range(0, options.Members).OrderBy(m => best[m]).Take(options.Elites).ToArray();
            var model = new TrainedEnsemble(fit.Network, train.ObsDim, train.ActDim, fit.InputNorm, fit.OutputNorm, elites, best, options)
            {
                History = fit.History,
                TrainingTransitions = train.Count,
                ValidationTransitions = nVal,
            };
            var (valObs, valAct) = validation.ObsAndActions();
            model.CalibrateDisagreement(valObs, valAct, nVal, new HeldOutSplit(options.Seed, options.ValidationFraction));
            return model;
        }
        catch
        {
            fit.Network.Dispose();
            throw;
        }
    }

    /// <summary>The row order the split takes: the first <see cref="HeldOutCount"/> rows are held out.</summary>
    private static int[] SplitOrder(int count, Random rng)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return order;
    }

    private static int HeldOutCount(int count, double fraction) => Math.Max(1, (int)Math.Round(count * fraction));

    /// <summary>
    /// Not real-time. The indices of the rows training held out for validation and calibration, given the split the card
    /// records (<see cref="UncertaintyCalibration.TrainingSplit"/>) and the same transitions in the same order: the first
    /// draw of training's generator shuffles the rows, and the first <c>round(count x fraction)</c> are held out.
    /// </summary>
    public static int[] HeldOutRows(int count, HeldOutSplit split) =>
        SplitOrder(count, new Random(split.Seed))[..HeldOutCount(count, split.Fraction)];
}
