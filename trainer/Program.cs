using System.CommandLine;
using Robotics.Core.Cli;

var root = new RootCommand("robotics-train: collect robot data, learn world models and policies (PETS, SAC, MBPO, TD-MPC2, DreamerV3) and export them to ONNX.");
// Each verb lives in Cli/<Verb>Command.cs and exposes `static Command Create()`; add one line per verb.
root.Subcommands.Add(Robotics.Trainer.Cli.CollectCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.TrainCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.PetsCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.BenchCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.BenchCommand.CreateTdMpc2());
root.Subcommands.Add(Robotics.Trainer.Cli.EvaluateCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.SafetyOodCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.CalibrateCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.RelabelCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.VetoEvalCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.VetoProbeCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.TdMpc2Command.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.SacCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.MbpoCommand.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.DreamerV3Command.Create());
root.Subcommands.Add(Robotics.Trainer.Cli.PlotCommand.Create());
return CliApp.Run(root, args);
