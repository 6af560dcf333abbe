using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Cli;
using Robotics.Core.Robots;
using Robotics.Drivers;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Sim.Serve;
using Spectre.Console;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics bench latency</c>: state -> command latency (median, p99) with a trivial policy over
/// loopback MQTT (embedded broker, and Mosquitto when installed) and the socat pty serial link, both
/// serial I/O paths. Starts and stops every helper process itself (by PID).
/// </summary>
public static class BenchLatencyCommand
{
    public static Command Create()
    {
        var transports = new Option<string[]>("--transport")
        {
            Description = "Any of embedded, mosquitto, serial-tty, serial-serialport (default: all)",
            DefaultValueFactory = _ => ["embedded", "mosquitto", "serial-tty", "serial-serialport"],
            AllowMultipleArgumentsPerToken = true,
        };
        var samples = new Option<int>("--samples") { Description = "Measured round trips per transport", DefaultValueFactory = _ => 2000 };
        var warmup = new Option<int>("--warmup") { Description = "Round trips before measuring", DefaultValueFactory = _ => 200 };
        var command = new Command("latency", "State -> command latency over loopback MQTT and a pty serial link (median, p99).");
        command.Options.Add(transports);
        command.Options.Add(samples);
        command.Options.Add(warmup);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(samples), w = parse.GetValue(warmup);
            CliApp.Require(n is >= 10 and <= 1_000_000, "--samples must be in [10, 1000000]");
            CliApp.Require(w >= 0, "--warmup must be >= 0");
            var results = new List<LatencyBenchResult>();
            foreach (string t in parse.GetValue(transports)!)
            {
                Console.Error.WriteLine($"bench: {t} ({w} warm-up + {n} round trips)...");
                results.Add(RunOne(t, n, w).GetAwaiter().GetResult());
            }
            var table = new Table().AddColumns("transport", "state->command median (ms)", "p99 (ms)", "max (ms)", "runtime read->write median (ms)", "rejected", "dropped");
            foreach (var r in results)
                table.AddRow(r.Transport, F(r.StateToCommand.MedianMs), F(r.StateToCommand.P99Ms), F(r.StateToCommand.MaxMs),
                    F(r.StateToWrite.MedianMs), r.Rejected.ToString(), r.Dropped.ToString());
            AnsiConsole.Write(table);
            foreach (var r in results) // plain lines too, for logs and closing notes
                Console.WriteLine($"{r.Transport}: state->command {r.StateToCommand}; runtime read->write median {F(r.StateToWrite.MedianMs)} ms");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string F(double ms) => ms.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<LatencyBenchResult> RunOne(string transport, int samples, int warmup)
    {
        var time = TimeProvider.System;
        var log = NullLogger.Instance;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        switch (transport)
        {
            case "embedded":
            {
                await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
                return await Mqtt("mqtt (embedded broker)", broker.Port, samples, warmup, cts.Token);
            }
            case "mosquitto":
            {
                using var mosquitto = new MosquittoProcess();
                return await Mqtt("mqtt (mosquitto)", mosquitto.Port, samples, warmup, cts.Token);
            }
            case "serial-tty" or "serial-serialport":
            {
                var io = transport == "serial-tty" ? SerialIo.TtyFile : SerialIo.SerialPort;
                using var pty = new SocatPtyPair();
                var robot = new SerialRobotServer(new SerialLinkOptions { PortPath = pty.B, Io = SerialIo.TtyFile }, time, log);
                var driver = new SerialRobotDriver(new SerialRobotDriverOptions { Link = new SerialLinkOptions { PortPath = pty.A, Io = io } }, time, log);
                await using (driver)
                    return await LatencyBench.RunAsync($"serial pty ({(io == SerialIo.TtyFile ? "tty fd" : "System.IO.Ports")} runtime side)", robot, driver, samples, warmup, time, log, cts.Token);
            }
            default:
                throw new UsageException($"--transport: '{transport}' must be embedded, mosquitto, serial-tty or serial-serialport");
        }
    }

    private static async Task<LatencyBenchResult> Mqtt(string name, int port, int samples, int warmup, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var robot = new MqttRobotServer(new MqttRobotServerOptions { RobotId = "bench", Connection = new MqttConnectionOptions { Port = port } }, time, NullLogger.Instance);
        var driver = (IRobotDriver)new MqttRobotDriver(RobotUri.ParseMqtt($"mqtt://127.0.0.1:{port}/bench"), time, NullLogger.Instance);
        await using (driver)
            return await LatencyBench.RunAsync(name, robot, driver, samples, warmup, time, NullLogger.Instance, ct);
    }
}
