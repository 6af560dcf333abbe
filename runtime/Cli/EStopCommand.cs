using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Cli;
using Robotics.Drivers;
using Robotics.Drivers.Common;
using Robotics.Drivers.Mqtt;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics estop engage|release|rearm|status --robot mqtt://USER@HOST:PORT/ID?password_file=FILE</c>: the
/// operator's e-stop. Engage is open to every role; a reset is <c>release</c> then <c>rearm</c> within the
/// robot's release window, and the broker passes them only from the operator role (a refusal exits 1 with
/// the broker's reason). <c>status</c> prints the robot's retained status. The password comes from a file or
/// the environment, never the command line.
/// </summary>
public static class EStopCommand
{
    public static Command Create()
    {
        var action = new Argument<string>("action") { Description = "engage | release | rearm | status" };
        var robot = new Option<string>("--robot") { Description = "mqtt://USER@HOST:PORT/ID?password_file=FILE (mqtts:// for TLS)", Required = true };
        var reason = new Option<string>("--reason") { Description = "free text carried with the message", DefaultValueFactory = _ => "operator" };
        var timeout = new Option<int>("--timeout-s") { Description = "how long to wait for the broker", DefaultValueFactory = _ => 5 };
        var cmd = new Command("estop", "Engage the e-stop, reset it in two steps (release, then rearm; operator role), or show the robot's status.");
        cmd.Arguments.Add(action);
        foreach (Option o in new Option[] { robot, reason, timeout }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            string verb = parse.GetValue(action)!.ToLowerInvariant();
            EStopAction? step = verb switch
            {
                "engage" => EStopAction.Engage, "release" => EStopAction.Release, "rearm" or "re-arm" => EStopAction.ReArm, "status" => null,
                _ => throw new UsageException($"estop: '{verb}' must be engage, release, rearm or status"),
            };
            string address = parse.GetValue(robot)!;
            CliApp.Require(RobotUri.IsMqtt(address), $"--robot: '{RobotUri.Redact(address)}' must be an mqtt:// or mqtts:// address (over serial the runtime's link carries the e-stop)");
            MqttRobotDriverOptions o;
            try { o = RobotUri.ParseMqtt(address); }
            catch (FormatException e) { throw new UsageException("--robot: " + e.Message); }
            var wait = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout)));
            ILogger logger = NullLogger.Instance;
            try
            {
                if (step is { } s)
                {
                    await MqttEStopClient.SendAsync(o, s, parse.GetValue(reason)!, wait, logger, ct).ConfigureAwait(false);
                    Console.WriteLine(s switch
                    {
                        EStopAction.Engage => $"e-stop engaged on {o.Topics.Prefix}",
                        EStopAction.Release => $"release requested on {o.Topics.Prefix}; now `robotics estop rearm` within the robot's release window",
                        _ => $"re-armed {o.Topics.Prefix}; commands resume ramped from the safe action",
                    });
                }
                else Console.WriteLine(await MqttEStopClient.ReadStatusAsync(o, wait, logger, ct).ConfigureAwait(false) ?? "unknown (no retained status)");
                return CliApp.ExitOk;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine("error: estop: " + e.Message);
                return CliApp.ExitFailure;
            }
        });
        return cmd;
    }
}
