using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Hosting;

/// <summary>
/// The runtime as a long-lived service (systemd, containers): the same <see cref="RobotSession"/> as
/// <c>robotics run</c>, running episodes until the host stops or <see cref="SessionOptions.Episodes"/> are done
/// (0: until stopped). Options are validated in <see cref="StartAsync"/>, so a bad configuration fails host
/// start-up before the robot is touched. Stopping cancels the running episode; the session sends the safe
/// action, deactivates and shuts the driver down.
/// </summary>
public sealed class RuntimeHostedService(SessionOptions options, ILogger<RuntimeHostedService> logger,
                                         TimeProvider time, RobotConnect connect, ControllerRegistry? registry = null) : BackgroundService
{
    private int _episodes;
    private volatile EpisodeReport? _last;

    /// <summary>Episodes finished since start.</summary>
    public int EpisodesCompleted => Volatile.Read(ref _episodes);
    public EpisodeReport? LastEpisode => _last;
    /// <summary>True once the driver has been deactivated and shut down.</summary>
    public bool RobotReleased { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();   // let host start-up finish; the loop runs on its own
        var services = new SessionServices { Connect = connect, Time = time, Logger = logger, Registry = registry ?? ControllerRegistry.CreateDefault() };
        RobotSession session = await Cli.RunCommand.OpenAsync(options, services, stoppingToken).ConfigureAwait(false);
        try
        {
            logger.LogInformation("runtime service: {Line}", session.Describe());
            await session.ActivateAsync(stoppingToken).ConfigureAwait(false);
            for (long ep = 0; options.Episodes == 0 || ep < options.Episodes; ep++)
            {
                SessionEpisode e = await session.RunEpisodeAsync(ep, stoppingToken).ConfigureAwait(false);
                _last = e.Report;
                Interlocked.Increment(ref _episodes);
                logger.LogInformation("runtime service: {Line}", SessionReport.EpisodeLine(e));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("runtime service: stopping");
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            RobotReleased = true;
        }
    }
}
