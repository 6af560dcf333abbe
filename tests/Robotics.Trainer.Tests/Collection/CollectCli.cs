using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Trainer.Cli;
using Spectre.Console;

namespace Robotics.Trainer.Tests.Collection;

/// <summary>Runs <c>robotics-train collect</c> in-process through <see cref="CliApp.Run"/>, capturing stdout and stderr.</summary>
internal static class CollectCli
{
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(interactive: false, args);

    /// <summary>An interactive console renders the live progress bar (into the captured stdout).</summary>
    public static (int Code, string Out, string Err) Run(bool interactive, params string[] args)
    {
        var stdout = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        var root = new RootCommand("test");
        root.Subcommands.Add(CollectCommand.Create(console));
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            int code = CliApp.Run(root, ["collect", .. args]);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}

/// <summary>Tests that swap the process-wide Console.Error run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
