using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Spaces;
using Robotics.Sim.Environments;
using Spectre.Console;

namespace Robotics.Sim.Cli;

/// <summary><c>robotics-sim info --env ID</c>: one environment's spaces (names, bounds), timing and safe action.</summary>
public static class InfoCommand
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var env = new Option<string>("--env") { Description = "Environment id (see `list`)", Required = true };
        var command = new Command("info", "Describe one simulated robot: observation and action dimensions with names and bounds, control period, episode length, safe action.");
        command.Options.Add(env);
        command.SetAction(parse =>
        {
            string id = parse.GetValue(env)!;
            CliApp.Require(EnvironmentRegistry.Exists(id),
                $"--env: unknown environment '{id}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            Write(console ?? AnsiConsole.Console, EnvironmentRegistry.Create(id));
            return 0;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, IEnvironment env)
    {
        double period = env.ControlPeriod.TotalSeconds;
        console.MarkupLine($"[bold]{Markup.Escape(env.Id)}[/]");
        console.MarkupLine($"control period: {SpaceText.Period(env.ControlPeriod)}");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"max episode steps: {env.MaxEpisodeSteps} ({env.MaxEpisodeSteps * period:0.##} s simulated)"));
        console.MarkupLine($"safe action: [[{string.Join(", ", env.SafeAction.Select(SpaceText.Number))}]]");
        console.Write(Dimensions("observation", env.ObservationSpace));
        console.Write(Dimensions("action", env.ActionSpace));
    }

    private static Table Dimensions(string title, BoxSpace space)
    {
        var table = new Table { Title = new TableTitle(title) }.AddColumns("#", "name", "low", "high");
        for (int i = 0; i < space.Dimension; i++)
            table.AddRow(i.ToString(CultureInfo.InvariantCulture), Markup.Escape(space.Names[i]),
                         SpaceText.Number(space.Low[i]), SpaceText.Number(space.High[i]));
        return table;
    }
}
