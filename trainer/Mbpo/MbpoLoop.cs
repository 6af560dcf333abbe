using System.Diagnostics;
using System.Globalization;
using Robotics.Core.Episodes;
using Robotics.Core.Tasks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Models;
using Robotics.Trainer.Native;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Sac;
using Robotics.Trainer.TdMpc2;
using static TorchSharp.torch;

namespace Robotics.Trainer.Mbpo;

/// <summary>
/// MBPO (Janner et al. 2019, "When to trust your model"), top to bottom:
/// 1. the first seed steps act uniformly at random in [-1, 1] (mapped onto the action box); the observation
///    normaliser is then fitted on them and fixed; after that the policy's samples act;
/// 2. every <see cref="MbpoOptions.ModelTrainEvery"/> env steps the PETS ensemble is trained afresh on all real
///    transitions (holdout early stopping, elites, disagreement calibration);
/// 3. every <see cref="MbpoOptions.RolloutEvery"/> env steps, <see cref="MbpoOptions.RolloutsPerStep"/> x that many
///    branched rollouts of the scheduled length k start from real states into the model buffer
///    (<see cref="BranchedRollouts"/>; the buffer keeps about <see cref="MbpoOptions.RetainSteps"/> env steps' worth);
/// 4. each env step is followed by <see cref="OffPolicyRunOptions.UpdatesPerStep"/> SAC updates on minibatches of
///    <see cref="MbpoOptions.RealRatio"/> real and the rest model transitions (Dyna-style);
/// 5. every <see cref="OffPolicyRunOptions.EvalEvery"/> steps (and at the end) the deterministic policy runs the
///    fixed-seed evaluation episodes, the curve gets a row, and DIR/model gets the policy and its ensemble.
/// </summary>
public sealed class MbpoLoop(MbpoOptions options, TextWriter log, IProgress<OffPolicyProgress>? progress = null)
{
    /// <summary>Not real-time. Runs the whole budget; returns the curve rows (also in DIR/curve.csv).</summary>
    public IReadOnlyList<PetsIterationResult> Run(CancellationToken ct)
    {
        MbpoOptions m = options.Validate();
        OffPolicyRunOptions o = m.Run;
        TorchSetup.Ensure(o.Threads);
        manual_seed(o.Seed);
        IEnvironment env = EnvironmentRegistry.Create(o.EnvId, o.Seed), evalEnv = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        TaskLibrary.TryGet(o.EnvId, out ITaskDefinition? task);
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
        int seedSteps = Math.Min(o.SeedSteps, o.Steps);
        Directory.CreateDirectory(o.OutDir);
        string modelDir = Path.Combine(o.OutDir, "model");
        var curve = new CurveRecorder(o.OutDir, $"MBPO on {o.EnvId} (seed {o.Seed}, SAC {o.Sac.HiddenLayers} x {o.Sac.Hidden}, {o.UpdatesPerStep} updates/step)", o.EnvId);
        log.WriteLine(Inv($"mbpo on {o.EnvId}: {o.Steps} steps ({seedSteps} random), ensemble {m.Ensemble.Members}/{m.Ensemble.Elites} x {m.Ensemble.HiddenLayers} x {m.Ensemble.HiddenUnits} every {m.ModelTrainEvery} steps, {m.RolloutsPerStep} rollouts/step every {m.RolloutEvery} steps, k [{m.Schedule.StartStep}, {m.Schedule.EndStep}, {m.Schedule.MinLength}, {m.Schedule.MaxLength}], real ratio {m.RealRatio}, {o.UpdatesPerStep} updates/step, stop above {(m.StopDisagreementFactor is double f ? Inv($"{f} x p99") : "off")}"));

        using var agent = new SacAgent(obsDim, actDim, o.Sac, o.Seed);
        using var noise = new Generator((ulong)o.Seed + 29);
        var rng = new Random(o.Seed);
        var real = new ReplayBuffer(o.Steps, obsDim, actDim);
        var synthetic = new ReplayBuffer(m.ModelBufferCapacity, obsDim, actDim);
        var batch = new TransitionBatch(o.Sac.BatchSize, obsDim, actDim);
        int realRows = (int)Math.Round(batch.Size * m.RealRatio);
        var scaler = new ActionScaler(env.ActionSpace);
        var interaction = new EnvInteraction(env, real, rng, o.Seed, seedSteps);
        int trainings = 0;
        SacLosses losses = default;
        TrainedEnsemble? model = null;
        var started = Stopwatch.StartNew();
        try
        {
            for (int step = 0; step < o.Steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                interaction.Step(step, agent);
                if (step + 1 < seedSteps) { Report(step, "seeding"); continue; }
                if (step + 1 == seedSteps) agent.SetObservationNormalizer(Standardizer.Fit(real.Observations, obsDim));
                int sinceSeed = step + 1 - seedSteps;

                // 2. Model.
                if (sinceSeed % m.ModelTrainEvery == 0)
                {
                    Report(step, "training the ensemble");
                    long t0 = Stopwatch.GetTimestamp();
                    TrainedEnsemble fresh = EnsembleTrainer.Train(RealTransitions(real, scaler, actDim),
                        m.Ensemble with { Seed = o.Seed * 1000 + trainings++, Threads = o.Threads }, cancellationToken: ct);
                    model?.Dispose();
                    model = fresh;
                    log.WriteLine(Inv($"step {step + 1}: ensemble on {real.Count} transitions, {model.History.Count} epochs, validation MSE {model.ValidationMse:G3}, D p99 {model.DisagreementP99:G3}, {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s"));
                }

                // 3. Branched rollouts.
                if (model is not null && sinceSeed % m.RolloutEvery == 0)
                {
                    double? stop = m.StopDisagreementFactor * model.DisagreementP99;
                    RolloutStats s = BranchedRollouts.Run(model, agent, real, synthetic, m.RolloutsPerStep * m.RolloutEvery, m.Schedule.LengthAt(step + 1),
                                                          env.ActionSpace, task, stop, rng, noise);
                    if (sinceSeed % m.ModelTrainEvery == 0)
                        log.WriteLine(Inv($"step {step + 1}: {s.Starts} rollouts of k = {s.Length}, {s.Added} transitions kept ({s.Terminated} terminal, {s.StoppedUncertain} stopped by disagreement), model buffer {synthetic.Count}"));
                }

                // 4. SAC on real and model data.
                for (int u = 0; u < o.UpdatesPerStep; u++)
                {
                    int fromReal = synthetic.Count == 0 ? batch.Size : realRows;
                    if (fromReal > 0) real.SampleInto(fromReal, rng, batch, 0);
                    if (fromReal < batch.Size) synthetic.SampleInto(batch.Size - fromReal, rng, batch, fromReal);
                    losses = agent.Update(batch);
                }

                // 5. Evaluation and export.
                if ((step + 1) % o.EvalEvery == 0 || step + 1 == o.Steps)
                {
                    Report(step, "evaluating");
                    double[] returns = PolicyEvaluation.Run(evalEnv, agent, o.EvalEpisodes, o.Seed, ct);
                    PolicyExport.Write(agent, model, env, "mbpo", real.Digest(), real.Count,
                                       new Dictionary<string, double> { ["eval_return_mean"] = returns.Average(), ["real_ratio"] = m.RealRatio }, modelDir);
                    var row = curve.Add(step + 1, returns, interaction.LastEpisodeReturn, started.Elapsed.TotalSeconds, losses.Critic, modelDir);
                    log.WriteLine(Inv($"step {step + 1}: eval return {row.EvalReturnMean:F1} ± {row.EvalReturnStd:F1}, last train episode {interaction.LastEpisodeReturn:F1}, critic {losses.Critic:G3} actor {losses.Actor:G3} alpha {losses.Alpha:G3} entropy {losses.Entropy:F2}, {(step + 1) / started.Elapsed.TotalSeconds:F2} steps/s, {started.Elapsed.TotalSeconds:F0} s"));
                }
                Report(step, "training");
            }
        }
        finally
        {
            model?.Dispose();
        }
        return curve.Rows;

        void Report(int step, string phase) =>
            progress?.Report(new OffPolicyProgress(step + 1, o.Steps, curve.LastReturn, interaction.LastEpisodeReturn, losses,
                                                   (step + 1) / Math.Max(1e-9, started.Elapsed.TotalSeconds), phase));
    }

    /// <summary>The real buffer as the ensemble's training data, with actions on the robot's box (what the gate will ask about).</summary>
    private static List<Transition> RealTransitions(ReplayBuffer real, ActionScaler scaler, int actDim)
    {
        var list = new List<Transition>(real.Count);
        for (int i = 0; i < real.Count; i++)
        {
            var (obs, unit, reward, next, terminal) = real.Row(i);
            var action = new float[actDim];
            scaler.ToEnv(unit, action);
            list.Add(new Transition(0, i, 0, obs, action, reward, next, terminal, false, DataSource.Sim, "mbpo", false));
        }
        return list;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
