using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Hosting;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Session;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

public class RuntimeHostedServiceTests
{
    private static SessionOptions Options(string model) => new()
    {
        ModelPath = model, Robot = "sim:pendulum", Realtime = false, Episodes = 0,
        Controller = new ControllerOptions { Budget = new PlannerBudget { Horizon = 5, Population = 20, Iterations = 1 } },
    };

    [Fact]
    public async Task Service_RunsEpisodesUntilStopped_ThenReleasesTheRobot()
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0);
        var service = new RuntimeHostedService(Options(ShippedModel.Locate()), NullLogger<RuntimeHostedService>.Instance,
            TimeProvider.System, (_, _, _, _, _) => driver);

        await service.StartAsync(CancellationToken.None);
        for (int i = 0; i < 600 && service.EpisodesCompleted < 1; i++) await Task.Delay(100);
        Assert.True(service.EpisodesCompleted >= 1, "no episode finished within 60 s");
        await service.StopAsync(CancellationToken.None);

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully, service.ExecuteTask.Exception?.ToString());
        Assert.True(service.RobotReleased);
        Assert.Equal(200, service.LastEpisode!.Steps);
        Assert.True(driver.Writes >= 200);
        int writes = driver.Writes;
        await Task.Delay(200);
        Assert.Equal(writes, driver.Writes);   // nothing is sent after the stop
    }

    [Fact]
    public async Task Service_StopsOnItsOwn_AfterTheConfiguredEpisodes()
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0);
        var service = new RuntimeHostedService(Options(ShippedModel.Locate()) with { Episodes = 2 }, NullLogger<RuntimeHostedService>.Instance,
            TimeProvider.System, (_, _, _, _, _) => driver);

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(2, service.EpisodesCompleted);
        Assert.True(service.RobotReleased);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Service_FailsAtStart_WithoutTouchingTheRobot_WhenTheModelIsMissing()
    {
        bool connected = false;
        var service = new RuntimeHostedService(Options("/nonexistent/model.onnx"), NullLogger<RuntimeHostedService>.Instance,
            TimeProvider.System, (_, _, _, _, _) => { connected = true; return new LockstepEnvDriver(new Pendulum(), 0); });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => service.StartAsync(CancellationToken.None));
        Assert.Contains("--model: file '/nonexistent/model.onnx' does not exist", e.Message);
        Assert.False(connected);
    }
}
