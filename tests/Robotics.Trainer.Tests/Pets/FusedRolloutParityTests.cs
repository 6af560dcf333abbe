using Robotics.Core.Episodes;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.EnsembleMpc;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Session;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Export;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Pets;

/// <summary>A trained and exported ensemble plans the same with the fused rollout as step by step.</summary>
public sealed class FusedRolloutParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fused-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    [Theory]
    [InlineData(PlannerKind.Mppi)]
    [InlineData(PlannerKind.Cem)]
    public async Task TrainedModel_PendulumReturn_IsTheSame_FusedOrStepByStep(PlannerKind kind)
    {
        var env = new Pendulum();
        List<Transition> data = RandomRollouts.Collect(env, 2000, seed: 5);
        var options = new EnsembleOptions { Members = 3, Elites = 2, HiddenUnits = 32, HiddenLayers = 2, Epochs = 15, Seed = 1 };
        string path = Path.Combine(_dir, "model.onnx");
        using (var ensemble = EnsembleTrainer.Train(data, options, null, TimeProvider.System, default))
            OnnxExporter.Export(ensemble, ModelCardInputs.From(env, new string('a', 64)), path);

        async Task<(double Return, bool Fused)> Episode(bool fused)
        {
            var driver = new SimDriver(new Pendulum(21), "in-process", TimeProvider.System, SimDriver.SequentialSeeds(21), env.ControlPeriod);
            await driver.ActivateAsync(default);
            await using var session = RobotSession.Attach(new SessionOptions
            {
                ModelPath = path, Gate = GateKind.PassThrough, Seed = 4, Realtime = false, MaxEpisodeSteps = 100, Record = false,
                Controller = new ControllerOptions
                {
                    Planner = kind, Budget = new PlannerBudget { Horizon = 15, Population = 100, Iterations = 2 },
                    Costs = new CostSettings { UncertaintyLambda = 1f }, Threads = 1, FusedRollout = fused,
                },
            }, new SessionServices(), driver, driver.Spec);
            var d = session.Build();
            var report = (await session.RunEpisodeAsync(0, default)).Report;
            return (report.Return, d.Controller is EnsembleMpcController { Fused: true });
        }
        var plain = await Episode(false);
        var fusedRun = await Episode(true);
        Assert.False(plain.Fused);
        Assert.True(fusedRun.Fused, "the exported model should be rebuilt as a fused rollout at load");
        Assert.True(Math.Abs(plain.Return - fusedRun.Return) <= 1e-3 * Math.Abs(plain.Return),
            $"step-by-step return {plain.Return}, fused {fusedRun.Return}");
    }
}
