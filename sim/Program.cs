using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Sim.Cli;

var root = new RootCommand("robotics-sim: simulated robots with Gymnasium semantics, served over the runtime's wire protocols.");
// Each verb lives in Cli/<Verb>Command.cs and exposes `static Command Create()`; add one line per verb.
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return CliApp.Run(root, args);
