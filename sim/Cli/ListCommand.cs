using System.CommandLine;
using System.Globalization;
using Robotics.Sim.Environments;
using Spectre.Console;

namespace Robotics.Sim.Cli;

/// <summary><c>robotics-sim list</c>: the built-in environments with their spaces and control periods.</summary>
public static class ListCommand
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var command = new Command("list", "List the simulated robots: id, observation and action spaces, control period, episode length.");
        command.SetAction(_ =>
        {
            var table = new Table()
                .AddColumn(new TableColumn("id").NoWrap())
                .AddColumns("observation", "action")
                .AddColumn(new TableColumn("period").NoWrap())
                .AddColumn(new TableColumn("max steps").NoWrap());
            foreach (string id in EnvironmentRegistry.Ids)
            {
                IEnvironment env = EnvironmentRegistry.Create(id);
                table.AddRow(
                    Markup.Escape(id),
                    Markup.Escape(SpaceText.Summary(env.ObservationSpace)),
                    Markup.Escape(SpaceText.Summary(env.ActionSpace)),
                    SpaceText.Period(env.ControlPeriod),
                    env.MaxEpisodeSteps.ToString(CultureInfo.InvariantCulture));
            }
            (console ?? AnsiConsole.Console).Write(table);
            return 0;
        });
        return command;
    }
}
