using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Sim.Cli;
using Spectre.Console;

namespace Robotics.Sim.Tests;

public class CliTests
{
    private readonly StringWriter _out = new();
    private readonly RootCommand _root = new("robotics-sim");

    public CliTests()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(_out),
        });
        console.Profile.Width = 240;
        _root.Subcommands.Add(ListCommand.Create(console));
        _root.Subcommands.Add(InfoCommand.Create(console));
        _root.Subcommands.Add(ServeCommand.Create());
    }

    [Fact]
    public void List_ShowsEveryEnvironmentWithSpacesAndControlPeriod()
    {
        Assert.Equal(0, CliApp.Run(_root, ["list"]));
        string text = _out.ToString();
        foreach (string id in new[] { "pendulum", "cartpole-swingup", "reacher2d" }) Assert.Contains(id, text);
        Assert.Contains("3: cos_theta, sin_theta, theta_dot", text);
        Assert.Contains("2: torque_shoulder, torque_elbow", text);
        Assert.Contains("50 ms", text);
        Assert.Contains("200", text);
    }

    [Fact]
    public void Info_ShowsNamesBoundsPeriodAndSafeAction()
    {
        Assert.Equal(0, CliApp.Run(_root, ["info", "--env", "cartpole-swingup"]));
        string text = _out.ToString();
        Assert.Contains("cart_position", text);
        Assert.Contains("-4.8", text);
        Assert.Contains("force", text);
        Assert.Contains("-10", text);
        Assert.Contains("control period: 50 ms", text);
        Assert.Contains("max episode steps: 200 (10 s simulated)", text);
        Assert.Contains("safe action: [0]", text);
    }

    [Theory]
    [InlineData("info", "--env", "nope")]
    [InlineData("info")]
    [InlineData("list", "--bogus")]
    [InlineData("serve", "--fault", "melt")]                         // unknown fault: refused before any transport opens
    [InlineData("serve", "--env", "cartpole", "--fault", "gain:dim=1")]  // cartpole has one action dimension
    public void BadArguments_ExitWithCode2(params string[] args)
    {
        Assert.Equal(CliApp.ExitUsage, CliApp.Run(_root, args));
    }
}
