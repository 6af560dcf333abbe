using System.Diagnostics;
using System.Globalization;
using Robotics.Sim.Environments;
using Robotics.Trainer.Models;
using Robotics.Trainer.Native;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.Sac;

/// <summary>
/// SAC alone, the model-free baseline, top to bottom:
/// 1. the first seed steps act uniformly at random in [-1, 1] (mapped onto the action box); then the observation
///    normaliser is fitted on them and fixed;
/// 2. after that every action is sampled from the policy, and each env step is followed by
///    <see cref="OffPolicyRunOptions.UpdatesPerStep"/> SAC updates on uniform minibatches of the replay buffer;
/// 3. every <see cref="OffPolicyRunOptions.EvalEvery"/> steps (and at the end) the deterministic policy runs the
///    fixed-seed evaluation episodes, the curve gets a row and DIR/model/policy.onnx is rewritten.
/// </summary>
public sealed class SacLoop(OffPolicyRunOptions options, TextWriter log, IProgress<OffPolicyProgress>? progress = null)
{
    /// <summary>Not real-time. Runs the whole budget; returns the curve rows (also in DIR/curve.csv).</summary>
    public IReadOnlyList<PetsIterationResult> Run(CancellationToken ct)
    {
        OffPolicyRunOptions o = options.Validate("sac");
        TorchSetup.Ensure(o.Threads);
        TorchSharp.torch.manual_seed(o.Seed);
        IEnvironment env = EnvironmentRegistry.Create(o.EnvId, o.Seed), evalEnv = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
        int seedSteps = Math.Min(o.SeedSteps, o.Steps);
        Directory.CreateDirectory(o.OutDir);
        string modelDir = Path.Combine(o.OutDir, "model");
        var curve = new CurveRecorder(o.OutDir, $"SAC on {o.EnvId} (seed {o.Seed}, {o.Sac.HiddenLayers} x {o.Sac.Hidden})", o.EnvId);
        log.WriteLine(Inv($"sac on {o.EnvId}: {o.Steps} steps ({seedSteps} random), {o.UpdatesPerStep} updates per step, batch {o.Sac.BatchSize}, {o.Sac.HiddenLayers} x {o.Sac.Hidden}"));

        using var agent = new SacAgent(obsDim, actDim, o.Sac, o.Seed);
        var rng = new Random(o.Seed);
        var replay = new ReplayBuffer(o.Steps, obsDim, actDim);
        var batch = new TransitionBatch(o.Sac.BatchSize, obsDim, actDim);
        var interaction = new EnvInteraction(env, replay, rng, o.Seed, seedSteps);
        SacLosses losses = default;
        var started = Stopwatch.StartNew();
        for (int step = 0; step < o.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            interaction.Step(step, agent);
            if (step + 1 == seedSteps) agent.SetObservationNormalizer(Standardizer.Fit(replay.Observations, obsDim));

            // 2. Updates.
            if (step + 1 >= seedSteps)
                for (int u = 0; u < o.UpdatesPerStep; u++)
                {
                    replay.SampleInto(batch.Size, rng, batch, 0);
                    losses = agent.Update(batch);
                }

            // 3. Evaluation and export.
            if ((step + 1) % o.EvalEvery == 0 || step + 1 == o.Steps)
            {
                double[] returns = PolicyEvaluation.Run(evalEnv, agent, o.EvalEpisodes, o.Seed, ct);
                PolicyExport.Write(agent, null, env, "sac", replay.Digest(), replay.Count,
                                   new Dictionary<string, double> { ["eval_return_mean"] = returns.Average() }, modelDir);
                var row = curve.Add(step + 1, returns, interaction.LastEpisodeReturn, started.Elapsed.TotalSeconds, losses.Critic, modelDir);
                log.WriteLine(Inv($"step {step + 1}: eval return {row.EvalReturnMean:F1} ± {row.EvalReturnStd:F1}, last train episode {interaction.LastEpisodeReturn:F1}, critic {losses.Critic:G3} actor {losses.Actor:G3} alpha {losses.Alpha:G3} entropy {losses.Entropy:F2}, {(step + 1) / started.Elapsed.TotalSeconds:F1} steps/s"));
            }
            progress?.Report(new OffPolicyProgress(step + 1, o.Steps, curve.LastReturn, interaction.LastEpisodeReturn, losses,
                                                   (step + 1) / Math.Max(1e-9, started.Elapsed.TotalSeconds), step < seedSteps ? "seeding" : "training"));
        }
        return curve.Rows;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
