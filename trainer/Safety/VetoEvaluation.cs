using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Models;
using Robotics.Runtime.Session;
using Robotics.Safety;
using Robotics.Safety.Checks;
using Robotics.Safety.Diagnostics;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Safety;

/// <summary>One seed's measurement: calibration, false vetoes on the controller's own fresh episodes, OOD vetoes.</summary>
/// <param name="Robot">The built-in robot.</param>
/// <param name="Seed">Picks the calibration and evaluation start states.</param>
/// <param name="CalibrationTransitions">Controller transitions + held-out training rows the threshold came from.</param>
/// <param name="TrainingHeldOut">How many of them were rows training held out.</param>
/// <param name="ThresholdBefore">The model's own card threshold (training's validation split).</param>
/// <param name="Threshold">The re-calibrated threshold written to this seed's card.</param>
/// <param name="EvalTicks">Gate decisions over the evaluation episodes.</param>
/// <param name="UncertaintyVetoes">Ticks the uncertainty veto acted on (hysteresis included): the false vetoes.</param>
/// <param name="Replaced">Evaluation commands the gate replaced for any reason (vetoed, fallback, e-stop).</param>
/// <param name="ScoreRateBefore">Share of the evaluation transitions with U above <paramref name="ThresholdBefore"/> (no hysteresis).</param>
/// <param name="ScoreRate">Same above <paramref name="Threshold"/>.</param>
/// <param name="Ood">OOD probe states x random actions vetoed by the re-calibrated gate.</param>
/// <param name="EvalReturn">Mean return of the evaluation episodes (gate on).</param>
/// <param name="ThresholdMethod">How <paramref name="Threshold"/> was set (card <c>threshold_method</c>).</param>
/// <param name="CalibrationReplayRate">Share of the calibration ticks the threshold vetoes when they are replayed with the hysteresis (NaN per transition).</param>
/// <param name="EvalReplayRate">Same on the evaluation episodes' judged proposals (what the replay predicts for <see cref="FalseVetoRate"/>).</param>
/// <param name="Episodes">Each evaluation episode.</param>
public sealed record VetoEvalRow(string Robot, int Seed, long CalibrationTransitions, int TrainingHeldOut, double ThresholdBefore, double Threshold,
                                 long EvalTicks, long UncertaintyVetoes, long Replaced, double ScoreRateBefore, double ScoreRate, VetoRate Ood,
                                 double EvalReturn, string ThresholdMethod, double CalibrationReplayRate, double EvalReplayRate,
                                 IReadOnlyList<VetoEvalEpisode> Episodes)
{
    public double FalseVetoRate => EvalTicks == 0 ? 0 : UncertaintyVetoes / (double)EvalTicks;
    /// <summary>The calibration rounds (<see cref="ClosedLoopCalibration"/>).</summary>
    public IReadOnlyList<CalibrationRound> CalibrationRounds { get; init; } = [];
    /// <summary>Whether a gated calibration round kept to the target at <see cref="Threshold"/>.</summary>
    public bool Verified { get; init; }
}

/// <summary>One evaluation episode: its ticks, uncertainty vetoes, largest judged U and start observation (where a whole episode is vetoed, why).</summary>
public sealed record VetoEvalEpisode(int Index, long Ticks, long UncertaintyVetoes, double MaxU, double MedianU, float[] StartObs, double Return);

/// <summary>
/// `robotics-train veto-eval` (issue 19): the uncertainty veto measured on the deployed controller's own
/// distribution. Per seed: (1) the deployed controller (ensemble MPC, lock-step simulator, safety gate with the uncertainty
/// veto off by default: <see cref="VetoEvalOptions.CalibrationGate"/>) runs calibration episodes, recorded as
/// `robotics run --gate no-veto --record` does (with the proposal the gate judged each tick); (2)
/// `calibrate` pools them with the rows training held out and writes the threshold at the target rate of ticks vetoed
/// (hysteresis replayed; or per transition) into a copy of the model; (3)
/// the controller with that copy runs evaluation episodes from other start states (recorded), and every tick the
/// uncertainty veto acts on counts as a false veto (the card calls the controller's episodes in distribution);
/// (4) states with every velocity beyond the training data's range get random actions through the same gate.
/// Not real-time.
/// </summary>
public static class VetoEvaluation
{
    public static async Task<(TrainingRange Range, IReadOnlyList<VetoEvalRow> Rows)> RunAsync(VetoEvalOptions options, TextWriter log, CancellationToken ct)
    {
        options.Validate();
        var file = ModelFile.Read(options.ModelPath);
        string robot = file.Card.EnvId;
        IEnvironment env = EnvironmentRegistry.Create(robot, 0);
        var range = TrainingRange.Of(env, file.Card, options.TrainingDataDir);
        log.WriteLine($"{robot}: training range {range.Describe()} ({file.Card.TrainingTransitions} transitions)");

        var rows = new List<VetoEvalRow>();
        foreach (int seed in options.Seeds)
        {
            string dir = Path.Combine(options.OutDir, $"{robot}-seed{seed}");
            string calibDir = Path.Combine(dir, "calibration-episodes"), evalDir = Path.Combine(dir, "eval-episodes"), model = Path.Combine(dir, "model.onnx");
            Directory.CreateDirectory(dir);

            // 1-2. The deployed controller's own episodes, recorded: round 0 without the veto, then gated at the latest
            // threshold until a round keeps to the target (ClosedLoopCalibration); each calibrates on ticks vetoed with the
            // gate's hysteresis (or per transition), pooled with the rows training held out.
            Func<List<SessionEpisode>, bool> calibrated = options.CalibrationTicks > 0
                ? eps => eps.Sum(e => e.Safety.Ticks) >= options.CalibrationTicks
                : eps => eps.Count >= options.CalibrationEpisodes;
            var hysteresis = new UncertaintyVetoOptions();
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            async Task<CalibrationRound> RunRound(int round, RecalibrationResult? gated, CancellationToken token)
            {
                string roundDir = round == 0 ? calibDir : $"{calibDir}-round{round}";
                var gate = gated is null ? options.CalibrationGate : GateKind.Safety;
                var eps = await RunEpisodesAsync(gated?.OutPath ?? options.ModelPath, robot, VetoEvalOptions.CalibrationSeed(seed, round), calibrated,
                                                 options, roundDir, gate, token).ConfigureAwait(false);
                return new CalibrationRound(round, roundDir, gated?.After.VetoThreshold, eps.Sum(e => e.Safety.Ticks), eps.Sum(e => e.Safety[SafetyCheck.UncertaintyVeto]));
            }
            RecalibrationResult Recalibrate(IReadOnlyList<string> dirs, int round) => UncertaintyRecalibration.Run(new RecalibrationOptions(
                options.ModelPath, dirs, options.FalseVetoRate, Path.Combine(dir, $"model-round{round}.onnx"), options.TrainingDataDir,
                Hysteresis: hysteresis, PerTransition: options.PerTransition,
                Provenance: round == 0 ? null : $"closed loop: round 0 under gate {options.CalibrationGate}, rounds 1..{round} gated at the previous round's threshold"));
            var loop = await ClosedLoopCalibration.RunAsync(options.GatedRounds, options.FalseVetoRate, RunRound, Recalibrate, r => log.WriteLine(string.Create(inv,
                $"  seed {seed}: calibration round {r.Index} under {(r.GateThreshold is { } g ? $"threshold {g:G4}" : $"gate {options.CalibrationGate}")}: {r.Ticks} ticks, {r.Vetoes} vetoed ({r.VetoRate:P2})")), ct).ConfigureAwait(false);
            var cal = loop.Calibration;
            File.Copy(cal.OutPath, model, overwrite: true);
            log.WriteLine(string.Create(inv, $"  seed {seed}: threshold {cal.After.VetoThreshold:G4} after {loop.Rounds.Count} calibration round(s), {(loop.Verified ? "verified by a gated round" : options.GatedRounds == 0 ? "no gated round" : "not verified: the last gated round vetoed more than the target")}"));

            // 3. Fresh episodes with the re-calibrated gate (recorded, with the proposals it judged).
            var eval = await RunEpisodesAsync(model, robot, VetoEvalOptions.EvalSeed(seed), eps => eps.Count >= options.EvalEpisodes, options, evalDir, GateKind.Safety, ct).ConfigureAwait(false);
            long ticks = eval.Sum(e => e.Safety.Ticks), vetoes = eval.Sum(e => e.Safety[SafetyCheck.UncertaintyVeto]);
            long replaced = eval.Sum(e => e.Safety.NotOk - e.Safety[SafetyDecision.Clamped]);
            var evalEpisodes = eval.Select(e => e.Report.Transitions?.Transitions ?? []).ToList();
            float[][] judged;
            using (var w = OnnxWorldModel.Load(model, robot: null)) judged = evalEpisodes.Select(t => UncertaintyRecalibration.Scores(w, t, judged: true)).ToArray();
            float[] scores = [.. judged.SelectMany(u => u)];
            double before = cal.Before?.VetoThreshold ?? double.NaN, after = cal.After.VetoThreshold;
            long evalTicks = judged.Sum(u => (long)u.Length);
            double evalReplay = evalTicks == 0 ? double.NaN : UncertaintyVetoCalibration.VetoedTicks(judged, (float)after, hysteresis) / (double)evalTicks;
            var episodes = eval.Select((e, k) => new VetoEvalEpisode(k, e.Safety.Ticks, e.Safety[SafetyCheck.UncertaintyVeto],
                judged[k].Length == 0 ? double.NaN : judged[k].Max(), judged[k].Length == 0 ? double.NaN : Median(judged[k]),
                evalEpisodes[k].Count == 0 ? [] : evalEpisodes[k][0].Obs, e.Report.Return)).ToList();

            // 4. Outside the training range.
            var spec = env.ToSpec("veto-eval");
            VetoRate ood;
            using (var w = OnnxWorldModel.Load(model, spec, new WorldModelOptions { MaxBatch = 64 }))
                ood = OodBandProbe.Far(range, spec, w, seed, options.OodStates, options.ActionsPerState, options.OodMargin);

            var row = new VetoEvalRow(robot, seed, cal.After.CalibrationTransitions ?? 0, cal.TrainingHeldOut, before, after, ticks, vetoes, replaced,
                                      Rate(scores, before), Rate(scores, after), ood, eval.Average(e => e.Report.Return),
                                      cal.After.ThresholdMethod ?? "", cal.Ticks?.VetoedRate ?? double.NaN, evalReplay, episodes)
                      { CalibrationRounds = loop.Rounds, Verified = loop.Verified };
            rows.Add(row);
            foreach (var ep in episodes.Where(ep => ep.UncertaintyVetoes > 0))
                log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"    eval episode {ep.Index}: {ep.UncertaintyVetoes}/{ep.Ticks} ticks vetoed, judged U median {ep.MedianU:G3} max {ep.MaxU:G3}, start [{string.Join(", ", ep.StartObs.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}]"));
            log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  seed {seed}: threshold {before:G4} -> {after:G4} ({row.CalibrationTransitions} transitions, {row.TrainingHeldOut} held out of training); " +
                $"{row.ThresholdMethod} (calibration ticks vetoed in replay {row.CalibrationReplayRate:P2}); " +
                $"false vetoes {vetoes}/{ticks} = {row.FalseVetoRate:P2} of ticks (replay predicts {row.EvalReplayRate:P2}; judged U above threshold: {row.ScoreRate:P2}, at the card's old threshold {row.ScoreRateBefore:P2}); " +
                $"replaced {replaced}; OOD vetoed {ood.Rate:P2} ({ood.Vetoed}/{ood.Samples}); eval return {row.EvalReturn:F1}"));
        }
        return (range, rows);
    }

    private static double Median(float[] u)
    {
        var s = (float[])u.Clone();
        Array.Sort(s);
        return ConformalThreshold.Quantile(s, 0.5);
    }

    private static double Rate(float[] scores, double t) => scores.Length == 0 ? double.NaN : scores.Count(s => !(s <= t)) / (double)scores.Length;

    /// <summary>
    /// The deployed controller with the safety gate on, lock-step, on the simulated robot, from start seed <paramref name="seed"/>:
    /// whole episodes until <paramref name="enough"/>.
    /// </summary>
    private static async Task<List<SessionEpisode>> RunEpisodesAsync(string model, string robot, int seed, Func<List<SessionEpisode>, bool> enough,
                                                                     VetoEvalOptions o, string? recordDir, GateKind gate, CancellationToken ct)
    {
        var options = new SessionOptions
        {
            ModelPath = model, Robot = "sim:" + robot, Episodes = 0, Realtime = false, Seed = seed, Gate = gate,
            Controller = o.Controller, RecordDir = recordDir, Record = true, VetoFallback = o.VetoFallback,
        };
        var list = new List<SessionEpisode>();
        await using var session = await RobotSession.OpenAsync(options, new SessionServices(), ct).ConfigureAwait(false);
        await session.ActivateAsync(ct).ConfigureAwait(false);
        for (int k = 0; !enough(list); k++) list.Add(await session.RunEpisodeAsync(k, ct).ConfigureAwait(false));
        await session.ReleaseAsync().ConfigureAwait(false);
        return list;
    }
}
