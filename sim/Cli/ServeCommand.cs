using System.CommandLine;
using Microsoft.Extensions.Logging;
using Robotics.Core.Cli;
using Robotics.Drivers;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Sim.Environments;
using Robotics.Sim.Environments.Faults;
using Robotics.Sim.Serve;

namespace Robotics.Sim.Cli;

/// <summary><c>robotics-sim serve</c>: an environment as a virtual robot over MQTT or serial.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Environment id (" + string.Join(", ", EnvironmentRegistry.Ids) + ")", DefaultValueFactory = _ => "pendulum" };
        var transport = new Option<string>("--transport") { Description = "mqtt or serial", DefaultValueFactory = _ => "mqtt" };
        var broker = new Option<string>("--broker") { Description = "MQTT broker, mqtt://[USER@]HOST:PORT[?password_file=FILE] (mqtts:// for TLS: ca=, cert=, key=); the password comes from a file or ROBOTICS_MQTT_PASSWORD_FILE, never the command line", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };
        var id = new Option<string>("--id") { Description = "Robot id (topics robots/{id}/...)", DefaultValueFactory = _ => "r1" };
        var prefix = new Option<string>("--prefix") { Description = "Topic prefix; {id} is replaced by the robot id", DefaultValueFactory = _ => "robots/{id}" };
        var port = new Option<string?>("--port") { Description = "Serial device, e.g. /dev/ttyUSB0 or a socat pty" };
        var baud = new Option<int>("--baud") { Description = "Serial baud rate", DefaultValueFactory = _ => 115200 };
        var io = new Option<string>("--serial-io") { Description = "auto, tty (Linux fd fast path) or serialport (System.IO.Ports)", DefaultValueFactory = _ => "auto" };
        var lockstep = new Option<bool>("--lockstep") { Description = "Step once per command instead of in real time" };
        var seed = new Option<int>("--seed") { Description = "Seed of the first reset", DefaultValueFactory = _ => 0 };
        var episodes = new Option<int>("--episodes") { Description = "Stop after this many episodes (0: until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var verbose = new Option<bool>("--verbose") { Description = "Log connection details" };
        var maxTtl = new Option<int>("--max-ttl-ms") { Description = "The robot's cap on a command's ttl", DefaultValueFactory = _ => 500 };
        var estopFile = new Option<string?>("--estop-file") { Description = "Keep the e-stop latch in this file across restarts" };
        var faults = new Option<string[]>("--fault")
        {
            Description = "Inject a fault, repeatable: gain:factor=0.5 | stuck[:value=V] | delay:steps=N | drop:p=P | noise:std=S | bias:value=B, each with optional ,dim=D,start=STEP",
            AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [],
        };
        var ramp = new Option<float>("--rearm-ramp") { Description = "After a re-arm, the most each action moves per step, as a fraction of its range", DefaultValueFactory = _ => 0.05f };

        var command = new Command("serve", "Serve an environment as a virtual robot over the runtime's MQTT or serial protocol (docs/PROTOCOL.md).");
        foreach (var o in new Option[] { env, transport, broker, id, prefix, port, baud, io, lockstep, seed, episodes, verbose, maxTtl, estopFile, ramp, faults }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            string envId = parse.GetValue(env)!;
            CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
            var options = new VirtualRobotOptions
            {
                EnvId = envId,
                RobotId = parse.GetValue(id)!,
                Seed = parse.GetValue(seed),
                Lockstep = parse.GetValue(lockstep),
                MaxEpisodes = parse.GetValue(episodes),
                MaxTtl = TimeSpan.FromMilliseconds(parse.GetValue(maxTtl)),
                EStopFile = parse.GetValue(estopFile),
                RearmRampPerStep = parse.GetValue(ramp),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var time = TimeProvider.System;
            var logger = new ConsoleLineLogger(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information, time);
            IEnvironment simulated = EnvironmentRegistry.Create(envId, options.Seed);
            string[] faultTexts = parse.GetValue(faults) ?? [];
            if (faultTexts.Length > 0)
            {
                try { simulated = new FaultyEnvironment(simulated, faultTexts.Select(FaultSpec.Parse).ToArray(), options.Seed); }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
                logger.LogWarning("injecting faults: {Faults}", string.Join("; ", ((FaultyEnvironment)simulated).Faults));
            }
            IRobotServerTransport server = parse.GetValue(transport) switch
            {
                "mqtt" => CreateMqtt(parse.GetValue(broker)!, options.RobotId, parse.GetValue(prefix)!, time, logger),
                "serial" => CreateSerial(parse.GetValue(port), parse.GetValue(baud), parse.GetValue(io)!, time, logger),
                var t => throw new UsageException($"--transport: '{t}' must be mqtt or serial"),
            };
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            // SIGTERM (systemd, docker stop, timeout) stops cleanly too: retained "offline", not the last will.
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
            var robot = new VirtualRobot(simulated, options, server, time, logger);
            try
            {
                robot.RunAsync(cts.Token).GetAwaiter().GetResult();
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            Console.WriteLine($"served {robot.Steps} steps, {robot.Episodes} episodes, {robot.CommandsReceived} commands; " +
                              $"safe-action steps {robot.SafeActionSteps}, e-stop steps {robot.EStopSteps}, ramped steps {robot.RampedSteps}; commands dropped: other session {robot.CommandsOtherSession}, " +
                              $"out of order {robot.CommandsOutOfOrder}; ttl capped {robot.TtlCapped}; state->command latency {robot.Latency.Summarize()}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static MqttRobotServer CreateMqtt(string broker, string robotId, string prefix, TimeProvider time, ILogger logger)
    {
        MqttRobotDriverOptions parsed;
        // The robot id goes in as the address's path, before any ?query.
        int q = broker.IndexOf('?');
        string address = q < 0 ? broker.TrimEnd('/') + "/" + robotId : broker[..q].TrimEnd('/') + "/" + robotId + broker[q..];
        try { parsed = RobotUri.ParseMqtt(address); }
        catch (FormatException e) { throw new UsageException("--broker: " + e.Message); }
        return new MqttRobotServer(new MqttRobotServerOptions { RobotId = robotId, Connection = parsed.Connection, TopicPrefix = prefix }, time, logger);
    }

    private static SerialRobotServer CreateSerial(string? port, int baud, string io, TimeProvider time, ILogger logger)
    {
        CliApp.Require(!string.IsNullOrEmpty(port), "--port: a serial device is required with --transport serial");
        SerialRobotDriverOptions parsed;
        try { parsed = RobotUri.ParseSerial($"serial://{port}?baud={baud}&io={io}"); }
        catch (FormatException e) { throw new UsageException(e.Message); }
        return new SerialRobotServer(parsed.Link, time, logger);
    }
}
