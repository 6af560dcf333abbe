using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Latent;
using Robotics.Core.Spaces;
using Robotics.Runtime.Models;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Planning;
using Robotics.Sim.Environments;
using Robotics.Trainer.Native;
using Robotics.Trainer.Pets;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>Where a run stands, for the progress display.</summary>
public readonly record struct TdMpc2Progress(int Step, int TotalSteps, double? LastEvalReturn, string Phase);

/// <summary>
/// TD-MPC2's online loop (the reference's online trainer), top to bottom:
/// 1. the first seed steps act uniformly at random in [-1, 1] (mapped onto the action box);
/// 2. after them, as many updates as there were seed steps (pretraining), then one update per env step;
/// 3. from then on every action comes from the MPPI planner with exploration noise, warm-started within
///    an episode;
/// 4. every <see cref="TdMpc2Options.EvalEvery"/> steps (and at the end) the model is exported to DIR/model
///    (<see cref="TdMpc2Export"/>) and the runtime's ONNX planner over that export (or, with
///    <see cref="TdMpc2Options.EvalThroughRuntime"/> off, the TorchSharp planner; the two agree to 1e-4 per
///    action) drives fixed-seed evaluation episodes without exploration noise; the curve rows go to
///    DIR/curve.csv and DIR/curve.png. A killed run keeps the last evaluated model.
/// </summary>
public sealed class TdMpc2Loop(TdMpc2Options options, TextWriter log, IProgress<TdMpc2Progress>? progress = null)
{
    /// <summary>Not real-time. Runs the whole budget; returns the curve rows (also in DIR/curve.csv).</summary>
    public IReadOnlyList<PetsIterationResult> Run(CancellationToken ct)
    {
        TdMpc2Options o = options.Validate();
        TorchSetup.Ensure(o.Threads);
        IEnvironment env = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        IEnvironment evalEnv = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension, epLen = env.MaxEpisodeSteps;
        float discount = o.Discount(epLen);
        int seedSteps = Math.Min(o.SeedStepsFor(epLen), o.Steps);
        Directory.CreateDirectory(o.OutDir);
        string csv = Path.Combine(o.OutDir, "curve.csv"), png = Path.Combine(o.OutDir, "curve.png");
        PetsCurve.Create(csv);
        log.WriteLine(Inv($"tdmpc2 on {o.EnvId}: {o.Steps} steps ({seedSteps} seed steps), discount {discount:F4}, latent {o.Model.LatentDim}, mlp {o.Model.MlpDim}, MPPI {o.Planner.Iterations} x {o.Planner.Samples} ({o.Planner.PolicySamples} prior, {o.Planner.Elites} elites), horizon {o.Horizon}"));

        manual_seed(o.Seed);
        using var generator = new Generator((ulong)o.Seed);
        using var model = new LatentWorldModel(obsDim, actDim, o.Model, generator);
        model.eval();
        var rng = new Random(o.Seed);
        using var update = new TdMpc2Update(model, o, discount, new Random(o.Seed + 1), generator);
        var planner = new TdMpc2Planner(model, o.Planner, discount);
        var noise = new LatentMppiNoise(o.Planner, actDim, o.Model.QHeads);
        var gaussian = new GaussianSampler(new Random(o.Seed + 2));
        var buffer = new SliceReplayBuffer(o.Steps, o.Steps + 1, obsDim, actDim, o.Horizon);
        var scaler = new ActionScaler(env.ActionSpace);

        float[] obs = new float[obsDim], next = new float[obsDim], unit = new float[actDim], envAction = new float[actDim];
        bool done = true, first = true;
        int episode = 0;
        double episodeReturn = 0, lastEpisodeReturn = double.NaN;
        var results = new List<PetsIterationResult>();
        var planMs = new List<double>();
        var updateMs = new List<double>();
        UpdateLosses losses = default;
        var started = Stopwatch.StartNew();
        for (int step = 0; step < o.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            if (done)
            {
                env.Reset(PetsLoop.TrainSeedBase(o.Seed) + episode++, obs);
                buffer.BeginEpisode(obs);
                done = false; first = true; episodeReturn = 0;
            }

            // 1 and 3. Act.
            if (step < seedSteps)
                for (int j = 0; j < actDim; j++) unit[j] = (float)(rng.NextDouble() * 2 - 1);
            else
            {
                long t0 = Stopwatch.GetTimestamp();
                noise.Fill(gaussian);
                planner.Act(obs, first, explore: true, noise).CopyTo(unit, 0);
                planMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            first = false;
            scaler.ToEnv(unit, envAction);
            StepResult r = env.Step(envAction, next);
            buffer.Add(unit, r.Reward, r.Terminated, next);
            episodeReturn += r.Reward;
            next.CopyTo(obs, 0);
            if (r.Done) { done = true; lastEpisodeReturn = episodeReturn; }

            // 2. Updates.
            if (step + 1 >= seedSteps)
            {
                int updates = step + 1 == seedSteps ? seedSteps : 1;
                for (int u = 0; u < updates; u++)
                {
                    if (updates > 1 && u % 50 == 0) progress?.Report(new TdMpc2Progress(step + 1, o.Steps, results.Count > 0 ? results[^1].EvalReturnMean : null, Inv($"pretraining {u}/{updates}")));
                    long t0 = Stopwatch.GetTimestamp();
                    var (bo, ba, br, bt) = buffer.Sample(o.BatchSize, rng);
                    using (bo) using (ba) using (br) using (bt) losses = update.Step(bo, ba, br, bt);
                    updateMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }

            // 4. Evaluation.
            if ((step + 1) % o.EvalEvery == 0 || step + 1 == o.Steps)
            {
                progress?.Report(new TdMpc2Progress(step + 1, o.Steps, results.Count > 0 ? results[^1].EvalReturnMean : null, "evaluating"));
                var exported = TdMpc2Export.Parameters(model, discount);
                TdMpc2Export.Write(exported, TdMpc2Export.Card(exported, o, env, buffer.Digest(), buffer.Steps), o.Horizon, Path.Combine(o.OutDir, "model"));
                double[] returns;
                if (o.EvalThroughRuntime)
                {
                    using var onnx = LatentOnnxModel.Load(ModelFile.Read(Path.Combine(o.OutDir, "model", LatentGraphNames.EncodeFile)), o.Planner, o.Threads,
                                                          ProviderPreference.Cpu, NullLogger.Instance);
                    var runtime = new LatentMppiPlanner(onnx, o.Planner);
                    returns = Evaluate(evalEnv, (x, firstStep, unitOut) => runtime.Act(x, firstStep, explore: false, noise, unitOut), noise, gaussian, scaler, o, ct);
                }
                else
                    returns = Evaluate(evalEnv, (x, firstStep, unitOut) => planner.Act(x, firstStep, explore: false, noise).CopyTo(unitOut, 0), noise, gaussian, scaler, o, ct);
                double mean = returns.Average(), std = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / returns.Length);
                var row = new PetsIterationResult(results.Count + 1, step + 1, mean, std, lastEpisodeReturn, started.Elapsed.TotalSeconds,
                    losses.Consistency, Median(planMs), Percentile(planMs, 0.99), started.Elapsed.TotalSeconds, Path.Combine(o.OutDir, "model"));
                results.Add(row);
                PetsCurve.Append(csv, row);
                PetsCurve.Draw(png, results, $"TD-MPC2 on {o.EnvId} (seed {o.Seed}, MPPI {o.Planner.Iterations} x {o.Planner.Samples})", TdMpc2Targets.For(o.EnvId));
                log.WriteLine(Inv($"step {step + 1}: eval return {mean:F1} ± {std:F1}, last train episode {lastEpisodeReturn:F1}, losses consistency {losses.Consistency:G3} reward {losses.Reward:G3} value {losses.Value:G3} pi {losses.Policy:G3}, Q scale {losses.QScale:F2}, update {Median(updateMs):F1} ms, plan {Median(planMs):F1} ms median, {started.Elapsed.TotalSeconds:F0} s"));
                planMs.Clear(); updateMs.Clear();
            }
            progress?.Report(new TdMpc2Progress(step + 1, o.Steps, results.Count > 0 ? results[^1].EvalReturnMean : null, step < seedSteps ? "seeding" : "training"));
        }

        return results;
    }

    private delegate void PlanStep(float[] obs, bool firstStep, float[] unitAction);

    private static double[] Evaluate(IEnvironment env, PlanStep plan, LatentMppiNoise noise, GaussianSampler gaussian,
                                     ActionScaler scaler, TdMpc2Options o, CancellationToken ct)
    {
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
        float[] obs = new float[obsDim], next = new float[obsDim], envAction = new float[actDim], unit = new float[actDim];
        var returns = new double[o.EvalEpisodes];
        for (int e = 0; e < o.EvalEpisodes; e++)
        {
            env.Reset(PetsLoop.EvalSeedBase(o.Seed) + e, obs);
            for (int t = 0; t < env.MaxEpisodeSteps; t++)
            {
                ct.ThrowIfCancellationRequested();
                noise.Fill(gaussian);
                plan(obs, t == 0, unit);
                scaler.ToEnv(unit, envAction);
                StepResult r = env.Step(envAction, next);
                returns[e] += r.Reward;
                next.CopyTo(obs, 0);
                if (r.Done) break;
            }
        }
        return returns;
    }

    private static double Median(List<double> xs) => Percentile(xs, 0.5);

    private static double Percentile(List<double> xs, double q)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.ToArray();
        Array.Sort(s);
        return s[Math.Min(s.Length - 1, (int)(q * s.Length))];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The model's [-1, 1] actions onto the robot's action box (unbounded dimensions pass through).</summary>
public sealed class ActionScaler
{
    private readonly float[] _center, _half;

    public ActionScaler(BoxSpace space)
    {
        int n = space.Dimension;
        _center = new float[n]; _half = new float[n];
        for (int j = 0; j < n; j++)
        {
            bool finite = float.IsFinite(space.Low[j]) && float.IsFinite(space.High[j]);
            _center[j] = finite ? 0.5f * (space.Low[j] + space.High[j]) : 0f;
            _half[j] = finite ? 0.5f * (space.High[j] - space.Low[j]) : 1f;
        }
    }

    /// <summary>Hot path, allocation-free.</summary>
    public void ToEnv(ReadOnlySpan<float> unit, Span<float> env)
    {
        for (int j = 0; j < _center.Length; j++) env[j] = _center[j] + _half[j] * unit[j];
    }
}

/// <summary>The evaluation return at which the issue counts a task as solved.</summary>
public static class TdMpc2Targets
{
    /// <summary>pendulum -200 (as PETS), cartpole-swingup 150, reacher2d -2 (as PETS: reach and hold within 2 cm).</summary>
    public static double? For(string envId) => envId switch
    {
        "pendulum" => -200,
        "pendulum-pos" => -250,
        "cartpole-swingup" or "cartpole-swingup-pos" => 150,
        "reacher2d" => -2,
        _ => null,
    };
}
