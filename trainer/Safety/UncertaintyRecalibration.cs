using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Runtime.Models;

namespace Robotics.Trainer.Safety;

/// <summary>Options of `robotics-train calibrate`; validated before anything is read.</summary>
public sealed record RecalibrationOptions(string ModelPath, IReadOnlyList<string> DataDirs,
                                          double FalseVetoRate = ConformalThreshold.DefaultFalseVetoRate, string? OutPath = null)
{
    public RecalibrationOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("--model is required");
        if (DataDirs is not { Count: > 0 }) throw new ArgumentException("--data: name at least one folder of Parquet episodes");
        foreach (string d in DataDirs)
            if (!Directory.Exists(d)) throw new ArgumentException($"--data '{d}' is not a folder");
        if (!(FalseVetoRate > 0 && FalseVetoRate < 1)) throw new ArgumentException($"--false-veto-rate must be in (0, 1), got {FalseVetoRate}");
        if (OutPath is not null && !OutPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--out '{OutPath}' must end in .onnx");
        return this;
    }
}

/// <summary>What a re-calibration wrote and measured.</summary>
/// <param name="OutPath">The model file written.</param>
/// <param name="Before">The card's uncertainty section before (null when it had none).</param>
/// <param name="After">The section written.</param>
/// <param name="HeldOutRate">
/// Share of the odd episodes' transitions above the threshold computed from the even episodes alone (the
/// method checked on data it did not see; NaN when there are fewer than two episodes or too few transitions).
/// </param>
public sealed record RecalibrationResult(string OutPath, UncertaintyCalibration? Before, UncertaintyCalibration After, double HeldOutRate);

/// <summary>
/// Re-calibrates an existing model's uncertainty veto on new episodes (e.g. recorded by the deployed
/// controller with `robotics run --record`): the model's uncertainty on every transition of the given folders
/// becomes the calibration set of a split-conformal threshold at the target false-veto rate
/// (<see cref="ConformalThreshold"/>); the card's uncertainty section is replaced and the graphs are copied as they are.
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

        float[][] perEpisode;
        using (var model = OnnxWorldModel.Load(options.ModelPath, robot: null))
            perEpisode = episodes.Select(e => Scores(model, e.Transitions)).ToArray();
        float[] all = perEpisode.SelectMany(s => s).ToArray();

        string data = string.Join("; ", options.DataDirs.Select(d => $"{d} (sha256 {EpisodeReader.Digest(d)[..16]})"));
        var after = ConformalThreshold.Calibrate(all, options.FalseVetoRate, $"recorded episodes: {data}, {episodes.Count} episodes",
                                                 file.Card.Uncertainty?.Method ?? UncertaintyCalibration.EnsembleDisagreement);
        string outPath = options.OutPath ?? options.ModelPath;
        file.WithCard(file.Card with { Uncertainty = after }, outPath);
        return new RecalibrationResult(outPath, file.Card.Uncertainty, after, HeldOutRate(perEpisode, options.FalseVetoRate));
    }

    /// <summary>The predictor's uncertainty on each transition's (obs, action), in batches of its MaxBatch rows.</summary>
    public static float[] Scores(ISafetyPredictor predictor, IReadOnlyList<Transition> transitions)
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
                transitions[start + r].Action.CopyTo(act, r * a);
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
}
