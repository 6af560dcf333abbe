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
/// 5-member 4 x 200 SiLU ensemble as the gate's safety predictor, which predicts every tick; its threshold is the
/// 95th percentile of its disagreement (total-std) on random states and actions, so the veto passes the states this
/// policy visits. The threshold is a cliff for this random pair: at the 90th percentile the first veto's safe action
/// leads to states the veto's hysteresis never leaves (91% of ticks vetoed, all candidates predicted each tick,
/// about 155 us median). The veto path's 0 B is tested in <c>PolicyDeploymentTests</c>. Built through the registry's
/// <c>policy</c> factory, as <c>robotics run</c> builds it, and measured by <see cref="ControllerTickBench"/>.
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
            string path = WriteRandomDeployment(dir, env, hidden: 256, seed, logger, vetoQuantile: 0.95);
            var driver = new SimDriver(new Pendulum(seed), "bench", TimeProvider.System, SimDriver.SequentialSeeds(seed));
            var r = ControllerTickBench.Measure(driver, path, null, ticks, predictorRequired: true, "policy", logger);
            return r.AddTo(new BenchJson()
                .Add("bench", "policy").Add("policy", "3-256-256-2 relu").Add("safety_predictor", "5 x 4-200-200-200-200-4 silu"));
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
