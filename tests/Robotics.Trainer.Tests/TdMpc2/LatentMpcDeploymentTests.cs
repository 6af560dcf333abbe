using Robotics.Runtime.Controllers;
using Robotics.Runtime.Session;
using Robotics.Core.Episodes;
using Robotics.Core.Onnx.Latent;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Loop;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Tests.TdMpc2;

/// <summary>A latent-mpc model file deploys like any other: the registry picks the latent controller, the gate runs beside it.</summary>
public sealed class LatentMpcDeploymentTests(TinyLatentModel tiny) : IClassFixture<TinyLatentModel>
{
    [Fact]
    public async Task LatentModel_DrivesASimulatedPendulum_ThroughTheLoopAndGate()
    {
        var time = TimeProvider.System;
        await using var robot = new SimDriver(new Pendulum(0), "latent-test", time, SimDriver.SequentialSeeds(7));
        var spec = await robot.ConfigureAsync(CancellationToken.None);
        await robot.ActivateAsync(CancellationToken.None);
        await using var session = RobotSession.Attach(new SessionOptions
        {
            ModelPath = tiny.File(LatentGraphNames.EncodeFile), Robot = "sim:pendulum", Realtime = false, MaxEpisodeSteps = 50,
            Gate = GateKind.Safety, Controller = new ControllerOptions { Threads = 1 },
        }, new SessionServices { Time = time }, robot, spec);
        Deployment d = session.Build();
        Assert.IsType<LatentMpcController>(d.Controller);
        var report = (await session.RunEpisodeAsync(0, CancellationToken.None)).Report;
        Assert.Equal(50, report.Steps);
        Assert.True(double.IsFinite(report.Return));
        await robot.DeactivateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task LatentController_PlansWithTheOptionsBudget_AndTheCardsHorizon()
    {
        var time = TimeProvider.System;
        await using var robot = new SimDriver(new Pendulum(0), "latent-budget", time, SimDriver.SequentialSeeds(7));
        var spec = await robot.ConfigureAsync(CancellationToken.None);
        var budget = LatentMppiOptions.RealTime with { Iterations = 2, Samples = 64, PolicySamples = 8, Elites = 8, Horizon = TinyLatentModel.Horizon + 4 };
        await using var session = RobotSession.Attach(new SessionOptions
        {
            ModelPath = tiny.File(LatentGraphNames.EncodeFile), Robot = "sim:pendulum", Realtime = false, MaxEpisodeSteps = 5,
            Gate = GateKind.Safety, Controller = new ControllerOptions { Threads = 1, Latent = budget },
        }, new SessionServices { Time = time }, robot, spec);
        var planner = Assert.IsType<LatentMpcController>(session.Build().Controller).Planner;
        Assert.Equal(budget with { Horizon = TinyLatentModel.Horizon }, planner.Options);
    }
}
