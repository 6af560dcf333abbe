using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Cli;

var root = new RootCommand("robotics: run learned controllers on robots (simulated, MQTT, serial) behind a safety gate.");
// Each verb lives in Cli/<Verb>Command.cs and exposes `static Command Create()`; add one line per verb.
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(EStopCommand.Create());
return CliApp.Run(root, args);
