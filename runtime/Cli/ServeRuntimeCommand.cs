using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Robotics.Core.Cli;
using Robotics.Runtime.Hosting;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics serve-runtime --model M --robot mqtt://HOST:PORT/ID</c> (every option of <c>run</c>): the session as a long-lived
/// service in a generic host (console logging, SIGTERM/Ctrl+C stop it gracefully), until stopped or
/// --episodes are done.
/// </summary>
public static class ServeRuntimeCommand
{
    public static Command Create()
    {
        var session = new SessionCliOptions(0, "episodes before the service ends (0: until stopped)");
        var cmd = new Command("serve-runtime", "Run a deployment session as a long-lived hosted service (graceful stop on SIGTERM or Ctrl+C); accepts everything run does.");
        session.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            SessionOptions options = session.Read(parse);
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
