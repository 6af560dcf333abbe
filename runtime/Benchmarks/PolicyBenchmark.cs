using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Core.Onnx.Policy;
using Robotics.Core.Robots;
using Robotics.Core.Tasks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// <c>robotics bench policy</c>: the control tick (read -> policy -> gate -> write -> record) of an MBPO-shaped
/// deployment on an in-process pendulum, lock-step: a random 2 x 256 ReLU policy graph and, beside it, a random
/// 5-member 4 x 200 SiLU ensemble as the gate's safety predictor, its calibration set so that about a tenth of
/// the ticks are vetoed (the candidates then go through the ensemble in one batch). Built through the
/// registry's <c>policy</c> factory, as <c>robotics run</c> builds it. Reports tick median/p99 and managed
/// bytes allocated per tick (episode starts excluded).
/// </summary>
public static class PolicyBenchmark
{
    public static BenchJson Run(int ticks, int seed, ILogger logger)
    {
        if (ticks < 1) throw new ArgumentException($"policy bench: ticks must be >= 1, got {ticks}");
        string dir = Path.Combine(Path.GetTempPath(), "robotics-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var env = new Pendulum(seed);
            string path = WriteRandomDeployment(dir, env, hidden: 256, seed, logger, vetoQuantile: 0.9);
            var time = TimeProvider.System;
            var driver = new SimDriver(new Pendulum(seed), "bench", time, SimDriver.SequentialSeeds(seed));
            driver.ActivateAsync(CancellationToken.None).GetAwaiter().GetResult();
            RobotSpec spec = driver.Spec;
            var registry = ControllerRegistry.CreateDefault();
            var files = DeploymentFiles.Resolve(path, null, spec, registry);
            var gateOptions = new SafetyGateOptions { Staleness = null };
            var options = new ControllerOptions { Threads = 1 };
            var predictor = files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
            {
                Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1, Options = options, Logger = logger,
            }) ?? throw new InvalidOperationException("policy bench: the deployment offers no safety predictor");
            using var controller = files.Factory.Create(new ControllerContext
            {
                Model = files.Model, Robot = spec, SafetyPredictor = predictor, Options = options, Time = time, Logger = logger,
            });
            try
            {
                var gate = SafetyGate.Create(spec, predictor, gateOptions, timeProvider: time);
                var loop = new ControlLoop(driver, spec, controller, gate, new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 1000 }, time);
                loop.StartEpisodeAsync(CancellationToken.None).GetAwaiter().GetResult();
                var us = new double[ticks];
                long allocated = 0;
                int done = 0, warm = 50;
                var before = gate.Snapshot();
                while (done < ticks)
                {
                    long a0 = GC.GetAllocatedBytesForCurrentThread();
                    long t0 = Stopwatch.GetTimestamp();
                    TickStatus s = loop.Tick();
                    double elapsed = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    long a1 = GC.GetAllocatedBytesForCurrentThread();
                    if (s == TickStatus.EpisodeEnded) { loop.StartEpisodeAsync(CancellationToken.None).GetAwaiter().GetResult(); continue; }
                    if (s != TickStatus.Commanded) continue;
                    if (warm > 0) { warm--; continue; }
                    us[done++] = elapsed;
                    allocated += a1 - a0;
                }
                var counts = gate.Snapshot().Since(before);
                return new BenchJson()
                    .Add("bench", "policy").Add("policy", "3-256-256-2 relu").Add("safety_predictor", "5 x 4-200-200-200-200-4 silu").Add("ticks", ticks)
                    .Add("tick_us_median", Samples.Percentile(us, 0.5)).Add("tick_us_p99", Samples.Percentile(us, 0.99)).Add("tick_us_max", Samples.Max(us))
                    .Add("vetoed", counts[SafetyDecision.Vetoed]).Add("fallback", counts[SafetyDecision.Fallback])
                    .Add("alloc_bytes_per_tick", (double)allocated / ticks);
            }
            finally { (predictor as IDisposable)?.Dispose(); }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Not real-time. Writes DIR/policy.onnx (random tanh-Gaussian policy, card kind <c>policy</c>) and DIR/ensemble.onnx
    /// (random 5 x 4 x 200 ensemble) for <paramref name="env"/>, the ensemble's calibration p99 at the
    /// <paramref name="vetoQuantile"/> quantile of its disagreement on random states and actions. Returns the policy's path. Used by the benchmark and tests.
    /// </summary>
    public static string WriteRandomDeployment(string dir, IEnvironment env, int hidden, int seed, ILogger logger, double vetoQuantile)
    {
        var rng = new Random(seed);
        int obs = env.ObservationSpace.Dimension, act = env.ActionSpace.Dimension;
        var spec = env.ToSpec("bench");
        var ensemble = EnsembleParameters.CreateRandom(obs, act, 5, [200, 200, 200, 200], obs + 1, predictsReward: true, rng);
        string ensemblePath = Path.Combine(dir, PolicyGraphNames.EnsembleFile);
        ModelCard ensembleCard = Card(env, ModelKinds.EnsembleDynamics, new() { [GraphRoles.Step] = ModelCard.ThisFile }, p99: 1);
        EnsembleStepGraph.Build(ensemble, new Dictionary<string, string> { [ModelCard.MetadataKey] = ensembleCard.ToJson() }).Save(ensemblePath);
        double p90;
        using (var model = OnnxWorldModel.Load(ensemblePath, spec, new WorldModelOptions { MaxBatch = 256, IntraOpThreads = 1 }, logger))
        {
            var o = new float[256 * obs];
            var a = new float[256 * act];
            for (int i = 0; i < o.Length; i++) { int j = i % obs; o[i] = Lerp(env.ObservationSpace.Low[j], env.ObservationSpace.High[j], rng); }
            for (int i = 0; i < a.Length; i++) { int j = i % act; a[i] = Lerp(env.ActionSpace.Low[j], env.ActionSpace.High[j], rng); }
            var next = new float[256 * obs];
            var d = new float[256];
            model.Predict(256, o, a, next, d);
            Array.Sort(d);
            p90 = d[(int)(vetoQuantile * 255)];
        }
        ensembleCard = Card(env, ModelKinds.EnsembleDynamics, new() { [GraphRoles.Step] = ModelCard.ThisFile }, p90);
        EnsembleStepGraph.Build(ensemble, new Dictionary<string, string> { [ModelCard.MetadataKey] = ensembleCard.ToJson() }).Save(ensemblePath);

        int[] sizes = [obs, hidden, hidden, 2 * act];
        var w = new float[3][];
        var b = new float[3][];
        for (int l = 0; l < 3; l++)
        {
            float bound = 1f / MathF.Sqrt(sizes[l]);
            w[l] = Enumerable.Range(0, sizes[l] * sizes[l + 1]).Select(_ => (float)(rng.NextDouble() * 2 - 1) * bound).ToArray();
            b[l] = Enumerable.Range(0, sizes[l + 1]).Select(_ => (float)(rng.NextDouble() * 2 - 1) * bound).ToArray();
        }
        var policy = new PolicyParameters
        {
            ObsDim = obs, ActDim = act, LayerSizes = sizes, Weights = w, Biases = b,
            ObsMean = new float[obs], ObsStd = Enumerable.Repeat(1f, obs).ToArray(),
            ActionLow = env.ActionSpace.Low, ActionHigh = env.ActionSpace.High,
        };
        ModelCard policyCard = Card(env, ModelKinds.Policy,
            new() { [GraphRoles.Policy] = ModelCard.ThisFile, [GraphRoles.Step] = PolicyGraphNames.EnsembleFile }, p90);
        string path = Path.Combine(dir, PolicyGraphNames.PolicyFile);
        PolicyGraph.Build(policy, new Dictionary<string, string> { [ModelCard.MetadataKey] = policyCard.ToJson() }).Save(path);
        return path;
    }

    private static float Lerp(float lo, float hi, Random rng) => lo + (float)rng.NextDouble() * (hi - lo);

    private static ModelCard Card(IEnvironment env, string kind, Dictionary<string, string> graphs, double p99) => new ModelCard
    {
        Kind = kind, Algo = "random", EnvId = env.Id,
        ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
        ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
        ControlPeriodSeconds = env.ControlPeriod.TotalSeconds, TrainingDataDigest = "random-weights", TrainerVersion = "bench",
        Graphs = graphs, Ensemble = new EnsembleSection(5, 5) { Disagreement = DisagreementMeasures.Default.Name() }, Uncertainty = new UncertaintyCalibration { P99 = p99, Max = Math.Max(p99, 1e3) },
        TaskCost = TaskLibrary.TryGet(env.Id, out var task) ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) } : null,
    }.Validate();
}
