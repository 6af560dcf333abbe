using Robotics.Core.Episodes;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Native;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// Inverse dynamics a = f(s, s') (Christiano et al. 2016), top to bottom:
/// 1. rows: features [s, s' - s], target the executed action (<see cref="InverseDataset"/>);
/// 2. split by episode (never by row: neighbouring steps of one episode are near copies): test episodes held out
///    for the report, validation episodes for early stopping and elites, the rest trains;
/// 3. fit the probabilistic ensemble (<see cref="EnsembleFitting"/>, the one PETS uses) on x -> a;
/// 4. keep the elites and measure MSE and standardised MSE per action dimension on the test episodes.
/// </summary>
public static class InverseDynamicsTraining
{
    public static TrainedInverseModel Train(IReadOnlyList<Transition> data, BoxSpace actionBox, ITaskDefinition? task, InverseOptions options,
                                            IProgress<EpochReport>? progress = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        EnsembleOptions e = options.Ensemble;
        TorchSetup.Ensure(e.Threads);
        time ??= TimeProvider.System;
        long started = time.GetTimestamp();
        var rng = new Random(e.Seed);

        // 1. Rows.
        InverseDataset all = InverseDataset.From(data, actionBox, task);

        // 2. Episodes: test, validation, train.
        long[] episodes = [.. all.Episodes.Distinct().Order()];
        if (episodes.Length < 3) throw new InvalidDataException($"need at least 3 episodes to split into train, validation and test, got {episodes.Length}");
        rng.Shuffle(episodes);
        int nTest = Math.Max(1, (int)Math.Round(episodes.Length * options.TestFraction));
        int nVal = Math.Max(1, (int)Math.Round(episodes.Length * e.ValidationFraction));
        if (nTest + nVal >= episodes.Length) throw new InvalidDataException($"{episodes.Length} episodes leave none to train on after {nTest} test and {nVal} validation episodes");
        InverseDataset test = all.OfEpisodes(episodes[..nTest].ToHashSet());
        InverseDataset validation = all.OfEpisodes(episodes[nTest..(nTest + nVal)].ToHashSet());
        InverseDataset train = all.OfEpisodes(episodes[(nTest + nVal)..].ToHashSet());

        // 3. Fit.
        var fit = EnsembleFitting.Fit(
            new EnsembleFitting.Rows(train.Features(), train.Targets, train.FeatureDim, train.ActDim),
            new EnsembleFitting.Rows(validation.Features(), validation.Targets, validation.FeatureDim, validation.ActDim),
            e, rng, progress, time, started, cancellationToken);

        // 4. Elites; the held-out test.
        try
        {
            double[] best = fit.MemberValidationMse;
            int[] elites = Enumerable.Range(0, e.Members).OrderBy(m => best[m]).Take(e.Elites).ToArray();
            var model = new TrainedInverseModel(fit.Network, all.ObsDim, all.ActDim, fit.InputNorm, fit.OutputNorm, elites, best, options)
            {
                History = fit.History,
                TrainingTransitions = train.Count, ValidationTransitions = validation.Count,
                TrainingEpisodes = episodes.Length - nTest - nVal, ValidationEpisodes = nVal,
            };
            float[] predicted = model.Predict(test.Obs, test.NextObs, test.Count);
            model.Test = InverseMetrics.Measure(predicted, test.Targets, test.Count, nTest, actionBox);
            return model;
        }
        catch
        {
            fit.Network.Dispose();
            throw;
        }
    }
}
