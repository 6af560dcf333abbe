using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Cli;

namespace Robotics.Drivers.Tests;

public class ServeCommandTests
{
    private static int Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(ServeCommand.Create());
        return CliApp.Run(root, args);
    }

    [Theory]
    [InlineData("serve", "--env", "no-such-env")]
    [InlineData("serve", "--transport", "serial")]
    [InlineData("serve", "--transport", "pigeon")]
    [InlineData("serve", "--broker", "mqtt://127.0.0.1:1883/extra/path", "--id", "r1")]
    [InlineData("serve", "--transport", "serial", "--port", "/dev/null", "--baud", "12345")]
    public void Serve_RejectsBadArguments_WithExitCode2(params string[] args) => Assert.Equal(CliApp.ExitUsage, Run(args));

    [Fact]
    public async Task Serve_OverEmbeddedBroker_ServesOneEpisodeToADriver_ThenExits0()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        var serve = Task.Run(() => Run("serve", "--env", "pendulum", "--transport", "mqtt", "--broker", $"mqtt://127.0.0.1:{broker.Port}",
            "--id", "cli", "--lockstep", "--episodes", "1", "--seed", "4"));
        await using var driver = RobotDriverFactory.Create($"mqtt://127.0.0.1:{broker.Port}/cli");
        var spec = await driver.ConfigureAsync(cts.Token);
        Assert.Equal("pendulum", spec.EnvId);
        await driver.ActivateAsync(cts.Token);
        var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 300, cts.Token);
        Assert.True(run.Ended);
        Assert.Equal(50, run.UpInLast50);
        Assert.Equal(CliApp.ExitOk, await serve.WaitAsync(TimeSpan.FromSeconds(20), cts.Token));
    }
}
