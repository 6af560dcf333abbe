using System.Diagnostics;
using System.Globalization;
using Robotics.Sim.Environments;
using Robotics.Trainer.Native;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.TdMpc2;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>Where a run stands, for the progress display.</summary>
public readonly record struct DreamerV3Progress(int Step, int TotalSteps, double? LastEvalReturn, double LastEpisodeReturn,
                                                float ModelLoss, float ReturnScale, double StepsPerSecond, string Phase);

/// <summary>
/// DreamerV3 online, top to bottom:
/// 1. each env step goes through the shared <see cref="EnvInteraction"/> (uniform random actions for the seed steps,
///    then the agent's actor sampled from its belief), the episode into the sequence replay (TD-MPC2's
///    <see cref="SliceReplayBuffer"/>: uniform slices of <see cref="DreamerV3Options.SequenceLength"/> steps inside
///    one episode);
/// 2. after the seed steps, one update (<see cref="DreamerV3Update"/>: world model, then actor-critic in imagination)
///    every <see cref="DreamerV3Options.TrainEvery"/> env steps on <see cref="DreamerV3Options.BatchSize"/> sequences;
/// 3. every <see cref="DreamerV3Options.EvalEvery"/> steps (and at the end) the deterministic recurrent policy runs the
///    fixed-seed evaluation episodes (its own belief, the same modules), the curve gets a row and DIR/model/policy.onnx
///    is rewritten (<see cref="DreamerV3Export"/>);
/// 4. at the end, DIR/imagination.png: the world model's open-loop predictions against a real evaluation episode.
/// </summary>
public sealed class DreamerV3Loop(DreamerV3Options options, TextWriter log, IProgress<DreamerV3Progress>? progress = null)
{
    /// <summary>Not real-time. Runs the whole budget; returns the curve rows (also in DIR/curve.csv).</summary>
    public IReadOnlyList<PetsIterationResult> Run(CancellationToken ct)
    {
        DreamerV3Options o = options.Validate();
        TorchSetup.Ensure(o.Threads);
        manual_seed(o.Seed);
        IEnvironment env = EnvironmentRegistry.Create(o.EnvId, o.Seed), evalEnv = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
        int seedSteps = Math.Min(o.SeedSteps, o.Steps);
        Directory.CreateDirectory(o.OutDir);
        string modelDir = Path.Combine(o.OutDir, "model");
        DreamerModelOptions m = o.Model;
        var curve = new CurveRecorder(o.OutDir, $"DreamerV3 on {o.EnvId} (seed {o.Seed}, deter {m.Deter}, {m.Stoch} x {m.Classes})", o.EnvId);
        log.WriteLine(Inv($"dreamerv3 on {o.EnvId}: {o.Steps} steps ({seedSteps} random), one update per {o.TrainEvery} steps on {o.BatchSize} x {o.SequenceLength}, deter {m.Deter} in {m.Blocks} blocks, {m.Stoch} x {m.Classes} latents, units {m.Units}, imagination {o.ImaginationHorizon}"));

        using var init = new Generator((ulong)o.Seed);
        using var noise = new Generator((ulong)o.Seed + 1);
        using var wm = new WorldModel(obsDim, actDim, m, o, init);
        using var ac = new ActorCritic(actDim, o, init, noise);
        using var update = new DreamerV3Update(wm, ac, o, noise);
        var rng = new Random(o.Seed);
        var agent = new DreamerV3Agent(wm, ac, new Random(o.Seed + 2));
        var evalAgent = new DreamerV3Agent(wm, ac, new Random(o.Seed + 3));
        var replay = new SliceReplayBuffer(o.Steps, o.Steps + 1, obsDim, actDim, o.SequenceLength - 1);
        var interaction = new EnvInteraction(env, replay, rng, o.Seed, seedSteps);
        DreamerLosses losses = default;
        var updateMs = new List<double>();
        var started = Stopwatch.StartNew();
        for (int step = 0; step < o.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            interaction.Step(step, agent);

            // 2. Update.
            if (step + 1 >= seedSteps && (step + 1) % o.TrainEvery == 0 && replay.SliceCount > 0)
            {
                long t0 = Stopwatch.GetTimestamp();
                var (bo, ba, br, bt) = replay.Sample(o.BatchSize, rng);
                using (bo) using (ba) using (br) using (bt) losses = update.Step(bo, ba, br, bt);
                updateMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            // 3. Evaluation and export.
            if ((step + 1) % o.EvalEvery == 0 || step + 1 == o.Steps)
            {
                double[] returns = PolicyEvaluation.Run(evalEnv, evalAgent, o.EvalEpisodes, o.Seed, ct);
                DreamerV3Export.Write(agent.ExportParameters(), env, replay.Digest(), replay.Steps,
                                      new Dictionary<string, double> { ["eval_return_mean"] = returns.Average() }, modelDir);
                var row = curve.Add(step + 1, returns, interaction.LastEpisodeReturn, started.Elapsed.TotalSeconds, losses.Model.Total, modelDir);
                log.WriteLine(Inv($"step {step + 1}: eval return {row.EvalReturnMean:F1} ± {row.EvalReturnStd:F1}, last train episode {interaction.LastEpisodeReturn:F1}, model {losses.Model.Total:G3} (rec {losses.Model.Reconstruction:G3} rew {losses.Model.Reward:G3} dyn {losses.Model.KlDynamics:G3}), actor {losses.Behaviour.Actor:G3} critic {losses.Behaviour.Critic:G3} entropy {losses.Behaviour.Entropy:F2} return scale {losses.Behaviour.ReturnScale:F1}, update {Median(updateMs):F0} ms median, {(step + 1) / started.Elapsed.TotalSeconds:F1} steps/s"));
                updateMs.Clear();
            }
            progress?.Report(new DreamerV3Progress(step + 1, o.Steps, curve.LastReturn, interaction.LastEpisodeReturn, losses.Model.Total,
                                                   losses.Behaviour.ReturnScale, (step + 1) / Math.Max(1e-9, started.Elapsed.TotalSeconds),
                                                   step < seedSteps ? "seeding" : "training"));
        }

        // 4. Imagined versus real.
        ImaginedRollout.Write(wm, evalAgent, evalEnv, o, Path.Combine(o.OutDir, "imagination.png"), Path.Combine(o.OutDir, "imagination.csv"));
        return curve.Rows;
    }

    private static double Median(List<double> xs)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.ToArray();
        Array.Sort(s);
        return s[s.Length / 2];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
