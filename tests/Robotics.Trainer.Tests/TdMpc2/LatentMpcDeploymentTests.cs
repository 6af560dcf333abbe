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
        using var controller = MpcController.Create(tiny.File(LatentGraphNames.EncodeFile), robot, spec, new MpcControllerOptions
        {
            Gate = GateKind.Safety, PlannerThreads = 1,
            Loop = new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 50, RobotId = spec.Id, Source = DataSource.Sim },
        }, time);
        Assert.IsType<LatentMpcController>(controller.Controller);
        var report = await controller.Loop.RunEpisodeAsync(0, null, CancellationToken.None);
        Assert.Equal(50, report.Steps);
        Assert.True(double.IsFinite(report.Return));
        await robot.DeactivateAsync(CancellationToken.None);
    }
}
