using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Service;
using Robotics.Runtime.Tests.Fakes;

namespace Robotics.Runtime.Tests.Service;

public sealed class ServeConfigurationTests
{
    [Fact]
    public void LaterSourcesWin_FileThenEnvironmentFileThenVariablesThenCommandLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "appsettings.json"), """{ "Horizon": 30, "Population": 100, "Iterations": 4, "Seed": 1 }""");
        File.WriteAllText(Path.Combine(dir.Path, "appsettings.Testing.json"), """{ "Horizon": 20, "Population": 50, "Iterations": 3 }""");
        var env = new Dictionary<string, string?> { ["ROBOTICS_ENVIRONMENT"] = "Testing", ["ROBOTICS_HORIZON"] = "10", ["ROBOTICS_POPULATION"] = "40" };
        var cfg = ServeConfiguration.Load(dir.Path, env);
        var horizon = new Option<int>("--horizon");
        var population = new Option<int>("--population");
        var iterations = new Option<int>("--iterations");
        var seed = new Option<int>("--seed");
        List<string> merged = cfg.Merge([horizon, population, iterations, seed], o => o.Name == "--horizon", ["--horizon", "5"]);
        var cmd = new RootCommand { horizon, population, iterations, seed };
        ParseResult p = cmd.Parse(merged);
        Assert.Empty(p.Errors);
        Assert.Equal((5, 40, 3, 1), (p.GetValue(horizon), p.GetValue(population), p.GetValue(iterations), p.GetValue(seed)));
        Assert.Equal("appsettings.Testing.json", cfg.SourceOf("Iterations"));
        Assert.Equal("ROBOTICS_POPULATION", cfg.SourceOf("Population"));
    }

    [Fact]
    public void BadSettings_OneErrorLinePerField_NamingTheSource_Exit2_BeforeAnyRobot()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "appsettings.json"), """{ "Http": "nope", "Recording": { "MaxFiles": -1 }, "Reload": { "States": 0 } }""");
        bool connected = false;
        var services = new ServeServices
        {
            Environment = new Dictionary<string, string?> { ["ROBOTICS_PLANNER"] = "foo" },
            Connect = (_, _, _, _, _) => { connected = true; throw new InvalidOperationException("no robot in this test"); },
        };
        var err = new StringWriter();
        TextWriter old = Console.Error;
        Console.SetError(err);
        int code;
        try { code = CliApp.Run(new RootCommand { ServeCommand.Create(services) }, ["serve", "--config", dir.Path, "--model", ShippedModel.Locate()]); }
        finally { Console.SetError(old); }
        var lines = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.All(lines, l => Assert.StartsWith("error: ", l));
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("error: Http (--http): 'nope'"));
        Assert.Contains(lines, l => l.StartsWith("error: Recording:MaxFiles"));
        Assert.Contains(lines, l => l.StartsWith("error: Reload:States"));
        Assert.Contains(lines, l => l.StartsWith("error: Planner (from ROBOTICS_PLANNER): --planner must be"));
        Assert.False(connected);
    }
}
