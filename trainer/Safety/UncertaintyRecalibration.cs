using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Safety.Checks;

namespace Robotics.Trainer.Safety;

/// <summary>Options of `robotics-train calibrate`; validated before anything is read.</summary>
/// <param name="ModelPath">The model whose card to re-calibrate.</param>
/// <param name="DataDirs">Episodes the model was not trained on (e.g. the deployed controller's, `robotics run --record`).</param>
/// <param name="FalseVetoRate">The target share of in-distribution transitions vetoed.</param>
/// <param name="OutPath">Where to write the model (null: in place).</param>
/// <param name="TrainingDataDir">
/// Optional: the folder the model was trained from; the rows training held out (card <c>uncertainty.training_split</c>)
/// join the calibration set.
/// </param>
/// <param name="Measure">Optional: rebuild the step graph so that its disagreement is this measure before calibrating.</param>
/// <param name="Hysteresis">
/// The gate's hysteresis the rate is of ticks under (<see cref="UncertaintyVetoCalibration"/>; default: the gate's
/// default); null with <paramref name="PerTransition"/> for the split-conformal rate of single transitions.
/// </param>
/// <param name="PerTransition">Calibrate the rate of single transitions (split-conformal, no hysteresis) instead of ticks.</param>
/// <param name="Provenance">Optional: how the episodes were produced, appended to the card's <c>calibration_data</c>.</param>
public sealed record RecalibrationOptions(string ModelPath, IReadOnlyList<string> DataDirs,
                                          double FalseVetoRate = ConformalThreshold.DefaultFalseVetoRate, string? OutPath = null,
                                          string? TrainingDataDir = null, DisagreementMeasure? Measure = null,
                                          UncertaintyVetoOptions? Hysteresis = null, bool PerTransition = false,
                                          string? Provenance = null)
{
    /// <summary>The hysteresis calibrated under (the gate's default unless given).</summary>
    public UncertaintyVetoOptions VetoHysteresis => Hysteresis ?? new UncertaintyVetoOptions();

    public RecalibrationOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("--model is required");
        if (DataDirs is not { Count: > 0 }) throw new ArgumentException("--data: name at least one folder of Parquet episodes");
        foreach (string d in DataDirs)
            if (!Directory.Exists(d)) throw new ArgumentException($"--data '{d}' is not a folder");
        if (TrainingDataDir is not null && !Directory.Exists(TrainingDataDir))
            throw new ArgumentException($"--training-data '{TrainingDataDir}' is not a folder");
        if (!(FalseVetoRate > 0 && FalseVetoRate < 1)) throw new ArgumentException($"--false-veto-rate must be in (0, 1), got {FalseVetoRate}");
        if (OutPath is not null && !OutPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--out '{OutPath}' must end in .onnx");
        VetoHysteresis.Validate();
        return this;
    }
}

/// <summary>What a re-calibration wrote and measured.</summary>
/// <param name="OutPath">The model file written.</param>
/// <param name="Before">The card's uncertainty section before (null when it had none).</param>
/// <param name="After">The section written.</param>
/// <param name="HeldOutRate">
/// Share of the odd episodes' ticks vetoed (replayed with the hysteresis; per transition: above the threshold) by the
/// threshold computed from the even episodes alone (the method checked on data it did not see; NaN when there are
/// fewer than two episodes or too few ticks).
/// </param>
/// <param name="TrainingHeldOut">Held-out training rows in the calibration set (0 without --training-data).</param>
/// <param name="Measure">The written card's disagreement measure.</param>
public sealed record RecalibrationResult(string OutPath, UncertaintyCalibration? Before, UncertaintyCalibration After, double HeldOutRate,
                                         int TrainingHeldOut = 0, string? Measure = null)
{
    /// <summary>The tick calibration (null with PerTransition): ticks, and ticks its threshold vetoes in replay.</summary>
    public TickCalibration? Ticks { get; init; }
}

/// <summary>
/// Re-calibrates an existing model's uncertainty veto on new episodes (e.g. recorded by the deployed
/// controller with `robotics run --record`): the model's uncertainty on the proposal the gate judged at every tick
/// (column <c>proposed</c>; the action sent in files before it), episode by episode in tick order, plus the rows
/// training held out (each a sequence of one), calibrates the threshold so that the share of ticks the veto would act
/// on, hysteresis included, is at most the target (<see cref="UncertaintyVetoCalibration"/>), or, with
/// <c>PerTransition</c>, so that the share of transitions above it is (split-conformal, <see cref="ConformalThreshold"/>).
/// The card's uncertainty section is replaced and the graphs are copied as they are.
/// The folders must hold data the model was not trained on. Not real-time.
/// </summary>
public static class UncertaintyRecalibration
{
    public static RecalibrationResult Run(RecalibrationOptions options)
    {
        options.Validate();
        var file = ModelFile.Read(options.ModelPath);
        var episodes = options.DataDirs.SelectMany(EpisodeReader.ReadEpisodes).Where(e => e.Length > 0).ToList();
        int n = episodes.Sum(e => e.Length);
        if (n == 0) throw new InvalidDataException($"--data {string.Join(", ", options.DataDirs)}: no transitions");
        var first = episodes[0].Transitions[0];
        if (first.Obs.Length != file.Card.ObsDim || first.Action.Length != file.Card.ActDim)
            throw new InvalidDataException(
                $"--data has {first.Obs.Length}-d observations and {first.Action.Length}-d actions; model '{options.ModelPath}' is for {file.Card.ObsDim} and {file.Card.ActDim} ({file.Card.EnvId})");
        IReadOnlyList<Transition> heldOut = options.TrainingDataDir is null ? [] : TrainingHeldOut(file.Card, options.TrainingDataDir);

        string outPath = options.OutPath ?? options.ModelPath;
        // A measure change rebuilds the graph first (into the output, or a temporary beside it) so the scores are the new measure's.
        string scored = options.ModelPath;
        string? rebuilt = null;
        if (options.Measure is { } m && m != (file.Card.Ensemble?.Measure ?? DisagreementMeasure.MaxMemberL2))
        {
            rebuilt = outPath + ".measure.tmp";
            StepGraphMeasure.Rewrite(file, m, rebuilt);
            file = ModelFile.Read(rebuilt);
            scored = rebuilt;
        }
        try
        {
            float[][] perEpisode;
            float[] trainScores;
            using (var model = OnnxWorldModel.Load(scored, robot: null))
            {
                perEpisode = episodes.Select(e => Scores(model, e.Transitions, judged: true)).ToArray();
                trainScores = Scores(model, heldOut);
            }
            float[] all = [.. perEpisode.SelectMany(s => s), .. trainScores];

            string data = string.Join("; ", options.DataDirs.Select(d => $"{d} (sha256 {EpisodeReader.Digest(d)[..16]})"));
            string source = $"recorded episodes: {data}, {episodes.Count} episodes, {n} transitions" +
                            (options.TrainingDataDir is null ? "" : $"; held-out rows of the training data {options.TrainingDataDir}: {heldOut.Count} transitions") +
                            (options.Provenance is null ? "" : $"; {options.Provenance}");
            var after = ConformalThreshold.Calibrate(all, options.FalseVetoRate, source,
                                                     file.Card.Uncertainty?.Method ?? UncertaintyCalibration.EnsembleDisagreement)
                        with { TrainingSplit = file.Card.Uncertainty?.TrainingSplit, CalibrationEpisodes = episodes.Count };
            TickCalibration? ticks = null;
            if (!options.PerTransition)
            {
                var h = options.VetoHysteresis;
                ticks = UncertaintyVetoCalibration.Compute([.. perEpisode, .. trainScores.Select(u => new[] { u })], options.FalseVetoRate, h);
                after = after with
                {
                    Threshold = ticks.Threshold, ThresholdMethod = UncertaintyVetoCalibration.Method,
                    Hysteresis = new VetoHysteresis(h.ExitFraction, h.MinVetoTicks),
                };
            }
            var before = ModelFile.Read(options.ModelPath).Card.Uncertainty;
            file.WithCard(file.Card with { Uncertainty = after }, outPath);
            double heldOutRate = options.PerTransition ? HeldOutRate(perEpisode, options.FalseVetoRate)
                                                       : HeldOutTickRate(perEpisode, options.FalseVetoRate, options.VetoHysteresis);
            return new RecalibrationResult(outPath, before, after, heldOutRate, heldOut.Count, file.Card.Ensemble?.Disagreement)
                   { Ticks = ticks };
        }
        finally
        {
            if (rebuilt is not null && File.Exists(rebuilt)) File.Delete(rebuilt);
        }
    }

    /// <summary>
    /// The rows of <paramref name="dir"/> that training held out: the first <c>training_transitions</c> transitions (the
    /// data the model saw, in the folder's order) split as the card's <c>uncertainty.training_split</c> records.
    /// </summary>
    public static IReadOnlyList<Transition> TrainingHeldOut(ModelCard card, string dir)
    {
        HeldOutSplit split = card.Uncertainty?.TrainingSplit
            ?? throw new InvalidDataException("--training-data: the card records no training split (uncertainty.training_split); retrain, or calibrate on --data alone");
        var rows = EpisodeReader.ReadEpisodes(dir).SelectMany(e => e.Transitions).ToList();
        if (rows.Count < card.TrainingTransitions)
            throw new InvalidDataException($"--training-data '{dir}' has {rows.Count} transitions, fewer than the {card.TrainingTransitions} the model was trained on");
        var seen = rows.Take((int)card.TrainingTransitions).ToList();
        return Algorithms.PetsDynamicsTraining.HeldOutRows(seen.Count, split).Select(i => seen[i]).ToList();
    }

    /// <summary>
    /// The predictor's uncertainty on each transition's (obs, action), in batches of its MaxBatch rows; with
    /// <paramref name="judged"/>, on (obs, the proposal the gate judged) (<see cref="Transition.Judged"/>).
    /// </summary>
    public static float[] Scores(ISafetyPredictor predictor, IReadOnlyList<Transition> transitions, bool judged = false)
    {
        int o = predictor.ObsDim, a = predictor.ActDim, batch = predictor.MaxBatch;
        var obs = new float[batch * o];
        var act = new float[batch * a];
        var next = new float[batch * o];
        var u = new float[batch];
        var scores = new float[transitions.Count];
        for (int start = 0; start < transitions.Count; start += batch)
        {
            int rows = Math.Min(batch, transitions.Count - start);
            for (int r = 0; r < rows; r++)
            {
                transitions[start + r].Obs.CopyTo(obs, r * o);
                (judged ? transitions[start + r].Judged : transitions[start + r].Action).CopyTo(act, r * a);
            }
            predictor.Predict(rows, obs.AsSpan(0, rows * o), act.AsSpan(0, rows * a), next.AsSpan(0, rows * o), u.AsSpan(0, rows));
            u.AsSpan(0, rows).CopyTo(scores.AsSpan(start));
        }
        return scores;
    }

    /// <summary>Threshold from the even episodes, share of the odd episodes' scores above it.</summary>
    public static double HeldOutRate(IReadOnlyList<float[]> perEpisode, double falseVetoRate)
    {
        float[] fit = perEpisode.Where((_, i) => i % 2 == 0).SelectMany(s => s).ToArray();
        float[] test = perEpisode.Where((_, i) => i % 2 == 1).SelectMany(s => s).ToArray();
        if (test.Length == 0 || fit.Length < ConformalThreshold.MinScores(falseVetoRate)) return double.NaN;
        double t = ConformalThreshold.Compute(fit, falseVetoRate);
        return test.Count(s => !(s <= t)) / (double)test.Length;
    }

    /// <summary>Tick threshold from the even episodes, share of the odd episodes' ticks it vetoes when they are replayed.</summary>
    public static double HeldOutTickRate(IReadOnlyList<float[]> perEpisode, double falseVetoRate, UncertaintyVetoOptions hysteresis)
    {
        var fit = perEpisode.Where((_, i) => i % 2 == 0).ToList();
        var test = perEpisode.Where((_, i) => i % 2 == 1).ToList();
        long testTicks = test.Sum(s => (long)s.Length);
        if (testTicks == 0 || fit.Sum(s => (long)s.Length) < ConformalThreshold.MinScores(falseVetoRate)) return double.NaN;
        var t = UncertaintyVetoCalibration.Compute(fit, falseVetoRate, hysteresis);
        return UncertaintyVetoCalibration.VetoedTicks(test, (float)t.Threshold, hysteresis) / (double)testTicks;
    }
}
