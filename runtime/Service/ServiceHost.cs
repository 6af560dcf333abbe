using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Robotics.Core.Cli;
using Robotics.Core.Robots;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Service;

/// <summary>
/// Builds and runs the generic host of <c>robotics serve</c>: configuration (<see cref="ServeConfiguration"/>),
/// console logs (simple single-line or JSON, levels from the "Logging" section), and the hosted services: the
/// robot (<see cref="RobotService"/>), the HTTP endpoint, the systemd notifier/watchdog and the reload triggers.
/// Not real-time.
/// </summary>
public static class ServiceHost
{
    /// <summary>Runs until the verb's token is cancelled (SIGINT/SIGTERM), the episodes are done or the robot service fails.</summary>
    public static async Task<int> RunAsync(SessionOptions session, ServiceOptions service, ServeConfiguration cfg, ServeServices services, CancellationToken ct)
    {
        // The model's files and kind, before anything starts (against a robot once it answers).
        try { DeploymentFiles.Resolve(session.ModelPath, session.SafetyModelPath, null, services.Registry ?? ControllerRegistry.CreateDefault()); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new UsageException($"--model '{session.ModelPath}': {e.Message}");
        }
        using IHost host = Build(session, service, cfg, services);
        var state = host.Services.GetRequiredService<ServiceState>();
        var robot = host.Services.GetRequiredService<RobotService>();
        services.OnStarted?.Invoke(state);
        await host.StartAsync(ct).ConfigureAwait(false);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try { await Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).WaitAsync(ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (robot.Failure is { } failure)
        {
            if (failure is UsageException) throw failure;
            throw new InvalidOperationException(failure.Message, failure);
        }
        return CliApp.ExitOk;
    }

    public static IHost Build(SessionOptions session, ServiceOptions service, ServeConfiguration cfg, ServeServices services)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = cfg.Environment, ContentRootPath = cfg.Directory, DisableDefaults = true,
        });
        builder.Configuration.AddConfiguration(cfg.Root);
        builder.Logging.AddConfiguration(cfg.Root.GetSection("Logging"));
        if (!cfg.Root.GetSection("Logging:LogLevel").Exists()) builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (service.LogFormat == LogFormat.Json)
            builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        var estop = new EStopLatch(services.Time);
        builder.Services.AddSingleton(session);
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton(services.Time);
        builder.Services.AddSingleton(sp => new ServiceState(new LoopMetrics(services.Time), estop));
        builder.Services.AddSingleton(sp => new HealthCheck(sp.GetRequiredService<ServiceState>(), service));
        builder.Services.AddSingleton<RobotService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RobotService>());
        builder.Services.AddSingleton<ModelReloader>();
        builder.Services.AddHostedService(sp => new ReloadTriggers(sp.GetRequiredService<ModelReloader>(), service,
            sp.GetRequiredService<ServiceState>(), session.ModelPath, sp.GetRequiredService<ILogger<ReloadTriggers>>()));
        if (service.Http is not null) builder.Services.AddHostedService<HttpEndpoint>();
        if (SystemdNotifier.Create(services.Environment) is { } notifier)
        {
            builder.Services.AddSingleton(notifier);
            builder.Services.AddSingleton<WatchdogService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WatchdogService>());
        }
        return builder.Build();
    }
}
