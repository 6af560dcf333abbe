using System.CommandLine;
using Robotics.Core.Cli;

var root = new RootCommand("robotics-sim: simulated robots with Gymnasium semantics, served over the runtime's wire protocols.");
return CliApp.Run(root, args);
