using System.CommandLine;
using Robotics.Core.Cli;

var root = new RootCommand("robotics-sim: simulated robots with Gymnasium semantics, served over the runtime's wire protocols.");
// Each verb lives in Cli/<Verb>Command.cs and exposes `static Command Create()`; add one line per verb.
root.Subcommands.Add(Robotics.Sim.Cli.ServeCommand.Create());
return CliApp.Run(root, args);
