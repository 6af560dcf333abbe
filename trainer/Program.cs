using System.CommandLine;
using Robotics.Core.Cli;

var root = new RootCommand("robotics-train: collect robot data, learn world models (PETS ensembles) and export them to ONNX.");
return CliApp.Run(root, args);
