using System.CommandLine;
using Robotics.Core.Cli;

var root = new RootCommand("robotics: run learned controllers on robots (simulated, MQTT, serial) behind a safety gate.");
return CliApp.Run(root, args);
