using System.Globalization;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Core.Tasks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Session;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Export;
using Robotics.Trainer.Models;

namespace Robotics.Trainer.Pets;

/// <summary>
/// PETS (Chua et al. 2018) through the deployment path: random episodes, then per iteration
/// { train the ensemble on all data -> export ONNX -> drive the simulated robot with the runtime's MPC over
/// that ONNX file for an episode -> append its transitions }, then evaluate the same controller on fixed
/// start states and append the learning curve. Every episode is also stored as Parquet under DIR/data and
/// every model under DIR/models.
/// </summary>
public sealed class PetsLoop(PetsOptions options, TimeProvider time, TextWriter log)
{
    /// <summary>Not real-time. Runs every iteration; returns the curve rows (also in DIR/curve.csv).</summary>
    public async Task<IReadOnlyList<PetsIterationResult>> RunAsync(CancellationToken ct)
    {
        PetsOptions o = options.Validate();
        IEnvironment env = EnvironmentRegistry.Create(o.EnvId, o.Seed);
        ITaskDefinition? task = TaskLibrary.TryGet(o.EnvId, out ITaskDefinition t) ? t : null;
        string dataDir = Path.Combine(o.OutDir, "data"), modelDir = Path.Combine(o.OutDir, "models");
        if (Directory.Exists(dataDir) && EpisodeFiles.List(dataDir).Count > 0)
            throw new IOException($"'{dataDir}' already holds episodes; give pets an empty --out directory");
        Directory.CreateDirectory(modelDir);
        string csv = Path.Combine(o.OutDir, "curve.csv"), png = Path.Combine(o.OutDir, "curve.png");
        PetsCurve.Create(csv);

        var memory = new MemoryEpisodeSink();
        // The footer names the robot, so train, relabel and calibrate read the folder without --env.
        using var parquet = new ParquetEpisodeSink(dataDir, new EpisodeWriterOptions
        {
            Durable = false, Metadata = new Dictionary<string, string> { [Data.TrainingData.EnvKey] = o.EnvId },
        });
        var sink = new EpisodeFanout(parquet, memory);

        await using var robot = new SimDriver(EnvironmentRegistry.Create(o.EnvId), "pets-" + o.EnvId, time, SimDriver.SequentialSeeds(TrainSeedBase(o.Seed)));
        RobotSpec spec = await robot.ConfigureAsync(ct).ConfigureAwait(false);
        await robot.ActivateAsync(ct).ConfigureAwait(false);
        var loopOptions = new ControlLoopOptions
        {
            Realtime = false, MaxEpisodeSteps = env.MaxEpisodeSteps, RobotId = spec.Id, Source = DataSource.Sim,
        };

        long episodeId = 0;
        var random = new ControlLoop(robot, spec, new UniformRandomPolicy(spec.ActionSpace, new Random(o.Seed)), new PassThroughGate(), loopOptions, time);
        for (int r = 0; r < o.RandomEpisodes; r++)
        {
            var rep = await random.RunEpisodeAsync(episodeId++, sink, ct).ConfigureAwait(false);
            log.WriteLine(Inv($"random episode {r}: return {rep.Return:F1} over {rep.Steps} steps"));
        }

        var results = new List<PetsIterationResult>();
        for (int it = 1; it <= o.Iterations; it++)
        {
            long started = time.GetTimestamp();
            List<Transition> data = memory.Episodes.SelectMany(e => e.Transitions).Select(t => Executed(t, task)).ToList();
            var ensembleOptions = o.Ensemble with { Seed = o.Seed * 1000 + it, Epochs = o.EpochsFor(data.Count) };
            string modelPath = Path.Combine(modelDir, $"iter-{it:D2}.onnx");
            double trainSeconds, validationMse;
            using (TrainedEnsemble ensemble = EnsembleTrainer.Train(data, ensembleOptions, null, time, ct))
            {
                trainSeconds = time.GetElapsedTime(started).TotalSeconds;
                validationMse = ensemble.ValidationMse;
                OnnxExporter.Export(ensemble, ModelCardInputs.From(env, EpisodeReader.Digest(dataDir)), modelPath);
            }

            // The runtime's deployment session over the robot this loop owns (pass-through gate: PETS must explore).
            SessionOptions SessionFor(float explorationBonus) => new()
            {
                ModelPath = modelPath, Robot = "sim:" + o.EnvId, Realtime = false, MaxEpisodeSteps = env.MaxEpisodeSteps,
                Gate = GateKind.PassThrough, Seed = o.Seed * 1000 + it,
                Controller = new ControllerOptions
                {
                    Planner = o.Planner, Budget = o.Budget, Costs = new CostSettings { UncertaintyLambda = o.UncertaintyLambda, ExplorationBonus = explorationBonus },
                    Threads = o.PlannerThreads, Provider = ProviderPreference.Cpu,
                },
            };
            await using var session = RobotSession.Attach(SessionFor(o.ExplorationBonus), new SessionServices { Time = time }, robot, spec);
            Deployment deployment = session.Build();
            // Evaluation measures the task, so it plans without the exploration bonus (its own controller then).
            await using var evalSession = o.ExplorationBonus > 0
                ? RobotSession.Attach(SessionFor(0f), new SessionServices { Time = time }, robot, spec)
                : null;
            Deployment evalDeployment = evalSession?.Build() ?? deployment;
            double collectReturn = 0;
            for (int k = 0; k < o.EpisodesPerIteration; k++)
                collectReturn += (await session.RunEpisodeAsync(episodeId++, ct, sink).ConfigureAwait(false)).Report.Return;
            collectReturn /= o.EpisodesPerIteration;

            var (evalReturns, planMedian, planP99) = await EvaluateAsync(evalDeployment, o, loopOptions with { Record = false }, ct).ConfigureAwait(false);
            double mean = evalReturns.Average();
            double std = Math.Sqrt(evalReturns.Sum(x => (x - mean) * (x - mean)) / evalReturns.Length);
            long envSteps = memory.Episodes.Sum(e => (long)e.Length);
            var row = new PetsIterationResult(it, envSteps, mean, std, collectReturn, trainSeconds, validationMse,
                planMedian, planP99, time.GetElapsedTime(started).TotalSeconds, modelPath);
            results.Add(row);
            PetsCurve.Append(csv, row);
            PetsCurve.Draw(png, results, $"PETS on {o.EnvId} (seed {o.Seed}, {o.Planner.ToString().ToUpperInvariant()} through ONNX)", PetsTargets.For(o.EnvId));
            log.WriteLine(Inv($"iteration {it}: {envSteps} env steps{PhysicsSteps(env, envSteps)}, eval return {mean:F1} ± {std:F1}, collect return {collectReturn:F1}, train {trainSeconds:F1} s ({data.Count} rows, {ensembleOptions.Epochs} max epochs, val mse {validationMse:G3}), plan {planMedian:F1} ms median / {planP99:F1} ms p99, iteration {row.IterationSeconds:F0} s"));
        }
        await robot.DeactivateAsync(ct).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// " (28000 MuJoCo steps at action repeat 4)": the loop counts agent steps (transitions), the MuJoCo papers count
    /// physics steps; empty without a repeat.
    /// </summary>
    internal static string PhysicsSteps(IEnvironment env, long agentSteps) =>
        env is Sim.Mujoco.Tasks.MujocoTask { Options.ActionRepeat: > 1 and int k } ? Inv($" ({agentSteps * k} MuJoCo steps at action repeat {k})") : "";

    /// <summary>Runs the evaluation episodes on a second simulated robot with fixed start seeds.</summary>
    private async Task<(double[] Returns, double PlanMedian, double PlanP99)> EvaluateAsync(
        Deployment controller, PetsOptions o, ControlLoopOptions loopOptions, CancellationToken ct)
    {
        await using var evalRobot = new SimDriver(EnvironmentRegistry.Create(o.EnvId), "pets-eval", time, SimDriver.SequentialSeeds(EvalSeedBase(o.Seed)));
        RobotSpec spec = await evalRobot.ConfigureAsync(ct).ConfigureAwait(false);
        await evalRobot.ActivateAsync(ct).ConfigureAwait(false);
        var loop = controller.NewLoop(evalRobot, spec, loopOptions with { RobotId = spec.Id }, time);
        var returns = new double[o.EvalEpisodes];
        double planMedian = 0, planP99 = 0;
        for (int k = 0; k < o.EvalEpisodes; k++)
        {
            EpisodeReport r = await loop.RunEpisodeAsync(k, null, ct).ConfigureAwait(false);
            returns[k] = r.Return;
            planMedian += r.Timing.PlanMsMedian / o.EvalEpisodes;
            planP99 = Math.Max(planP99, r.Timing.PlanMsP99);
        }
        await evalRobot.DeactivateAsync(ct).ConfigureAwait(false);
        return (returns, planMedian, planP99);
    }

    /// <summary>
    /// The transition with the action the robot executed (the task's <see cref="ITaskDefinition.ToExecutedAction"/>
    /// of the recorded command): the random episodes send any float in the box, CartPole rounds it to a push, and
    /// the model should learn the push, not a step function at 0.5 (MCTS only ever asks for 0 and 1).
    /// </summary>
    private static Transition Executed(Transition t, ITaskDefinition? task)
    {
        if (task is null) return t;
        float[] a = (float[])t.Action.Clone();
        task.ToExecutedAction(a);
        return a.AsSpan().SequenceEqual(t.Action) ? t : t with { Action = a };
    }

    /// <summary>Reset seeds of the training robot: seed x 10,000, +1 per episode.</summary>
    public static int TrainSeedBase(int seed) => seed * 10_000;

    /// <summary>Reset seeds of the evaluation robot: the same 5 start states at every iteration of a run.</summary>
    public static int EvalSeedBase(int seed) => 1_000_000 + seed * 1_000;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
