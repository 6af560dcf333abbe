using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Robotics.Core.Cli;
using Robotics.Runtime.Hosting;
using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics serve-runtime --model M --robot mqtt://HOST:PORT/ID</c>: the control loop as a long-lived
/// service in a generic host (console logging, SIGTERM/Ctrl+C stop it gracefully), until stopped or
/// --episodes are done.
/// </summary>
public static class ServeRuntimeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "ONNX world model (.onnx with its model card)", Required = true };
        var robot = new Option<string>("--robot") { Description = "sim:ENV, mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N", DefaultValueFactory = _ => "sim:pendulum" };
        var planner = new Option<string>("--planner") { Description = "cem | mppi | icem", DefaultValueFactory = _ => "cem" };
        var episodes = new Option<int>("--episodes") { Description = "episodes before the service ends (0: until stopped)", DefaultValueFactory = _ => 0 };
        var realtime = new Option<bool>("--realtime") { Description = "tick at the robot's control period (false: lock-step)", DefaultValueFactory = _ => true };
        var seed = new Option<int>("--seed") { Description = "seed of the planner's sampling", DefaultValueFactory = _ => 0 };

        var cmd = new Command("serve-runtime", "Run the control loop as a long-lived hosted service (graceful stop on SIGTERM or Ctrl+C).");
        foreach (Option o in new Option[] { model, robot, planner, episodes, realtime, seed }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            RuntimeServiceOptions options;
            try
            {
                options = new RuntimeServiceOptions
                {
                    ModelPath = parse.GetValue(model)!, Robot = parse.GetValue(robot)!, Episodes = parse.GetValue(episodes),
                    Realtime = parse.GetValue(realtime), Seed = parse.GetValue(seed),
                    Planner = parse.GetValue(planner)!.ToLowerInvariant() switch
                    {
                        "cem" => PlannerKind.Cem, "mppi" => PlannerKind.Mppi, "icem" => PlannerKind.Icem,
                        var p => throw new UsageException($"--planner must be cem, mppi or icem, got '{p}'"),
                    },
                }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }

            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddRoboticsRuntime(options);
            using IHost host = builder.Build();
            var service = host.Services.GetRequiredService<RuntimeHostedService>();
            await host.StartAsync(ct).ConfigureAwait(false);
            // Ends on SIGTERM/Ctrl+C (host lifetime) or when the service finished its episodes.
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            await Task.WhenAny(service.ExecuteTask ?? Task.CompletedTask, Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping)).ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (service.ExecuteTask is { IsFaulted: true } t) throw t.Exception!.InnerException!;
            return CliApp.ExitOk;
        });
        return cmd;
    }
}
