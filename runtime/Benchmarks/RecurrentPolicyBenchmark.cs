using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Core.Onnx.Recurrent;
using Robotics.Core.Robots;
using Robotics.Core.Tasks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Benchmarks;

/// <summary>
/// <c>robotics bench recurrent-policy</c>: the control tick (read -> recurrent policy -> gate -> write -> record -> Observe)
/// of a DreamerV3-shaped deployment on the in-process position-only pendulum, lock-step: a random step graph at the
/// paper's proprioceptive size (deter 512 in 8 blocks, 32 x 4 latents, hidden and units 64) with the gate on (input
/// sanity, e-stop, action and rate limits; the recurrent policy predicts no next state), or with <c>--ensemble</c> the
/// random 5 x 4 x 200 ensemble of <c>bench policy</c> as its <c>--safety-model</c> (on the 2-D observation box a random
/// ensemble's predictions leave the state limits on most ticks, so most ticks then end in the fallback). Built through the registry's <c>recurrent-policy</c> factory. Reports tick median/p99 and bytes
/// per tick (episode starts excluded).
/// </summary>
public static class RecurrentPolicyBenchmark
{
    public static BenchJson Run(int ticks, int seed, ILogger logger, bool withEnsemble = false)
    {
        if (ticks < 1) throw new ArgumentException($"recurrent policy bench: ticks must be >= 1, got {ticks}");
        string dir = Path.Combine(Path.GetTempPath(), "robotics-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            IEnvironment env = EnvironmentRegistry.Create("pendulum-pos", seed);
            string? safety = null;
            if (withEnsemble)
            {
                PolicyBenchmark.WriteRandomDeployment(dir, env, hidden: 16, seed, logger, vetoQuantile: 0.9);
                safety = Path.Combine(dir, PolicyGraphNames.EnsembleFile);
            }
            string path = WriteRandomPolicy(dir, env, seed);
            var driver = new SimDriver(EnvironmentRegistry.Create("pendulum-pos", seed), "bench", TimeProvider.System, SimDriver.SequentialSeeds(seed));
            var r = ControllerTickBench.Measure(driver, path, safety, ticks, predictorRequired: withEnsemble, "recurrent policy", logger);
            return r.AddTo(new BenchJson()
                .Add("bench", "recurrent-policy").Add("policy", "rssm deter 512 / 8 blocks, 32 x 4, hidden 64, units 64")
                .Add("safety_predictor", withEnsemble ? "5 x 3-200-200-200-200-3 silu" : "none (limits, rate, sanity, e-stop)"));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>Not real-time. Writes DIR/recurrent.onnx, a random paper-size recurrent policy for <paramref name="env"/> with its card; returns its path.</summary>
    public static string WriteRandomPolicy(string dir, IEnvironment env, int seed)
    {
        var p = RecurrentPolicyRandom.Create(env.ObservationSpace.Dimension, env.ActionSpace.Dimension, deter: 512, blocks: 8, stoch: 32, classes: 4,
                                             hidden: 64, units: 64, new Random(seed));
        var card = new ModelCard
        {
            Kind = ModelKinds.RecurrentPolicy, Algo = "random", EnvId = env.Id,
            ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
            ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
            ControlPeriodSeconds = env.ControlPeriod.TotalSeconds, TrainingDataDigest = "random-weights", TrainerVersion = "bench",
            Metrics = new() { ["deter"] = p.Deter, ["blocks"] = p.Blocks, ["stoch"] = p.Stoch, ["classes"] = p.Classes },
            Graphs = new() { [GraphRoles.Recurrent] = ModelCard.ThisFile },
            TaskCost = TaskLibrary.TryGet(env.Id, out var task) ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) } : null,
        }.Validate();
        string path = Path.Combine(dir, "recurrent.onnx");
        File.WriteAllBytes(path, RecurrentPolicyGraph.Build(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }).Serialize());
        return path;
    }
}
