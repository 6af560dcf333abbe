using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robotics.Core.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Service;

/// <summary>
/// One robot, driven for as long as the host runs: the same <see cref="RobotSession"/> as <c>robotics run</c>
/// (connect, configure, build and check the deployment, activate, episodes, safe stop), retried while the robot
/// does not answer, with the loop watched by <see cref="LoopMetrics"/> and its transitions going to a
/// <see cref="RollingRecording"/> when <c>--record</c> is set. One robot per process: each robot gets its own loop
/// thread, memory and restart (docs/OPERATIONS.md says why). Not real-time; the loop inside is.
/// </summary>
public sealed class RobotService(SessionOptions options, ServiceOptions service, ServeServices services, ServiceState state,
                                 IHostApplicationLifetime lifetime, ILogger<RobotService> logger) : BackgroundService
{
    /// <summary>What ended the service with an error (rethrown by <c>serve</c> for its exit code); null otherwise.</summary>
    public Exception? Failure { get; private set; }
    /// <summary>The recording, while one runs.</summary>
    public RollingRecording? Recording { get; private set; }
    /// <summary>Serialises hot reloads with each other and with the session's start and end.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);
    internal SessionServices SessionServices { get; private set; } = null!;
    /// <summary>The session's options as the service runs them (recording handled here, episodes cut at the file size).</summary>
    internal SessionOptions RunOptions { get; } = options with
    {
        RecordDir = null,
        MaxEpisodeSteps = options.RecordDir is null ? options.MaxEpisodeSteps : Math.Min(options.MaxEpisodeSteps, service.Recording.MaxTransitionsPerFile),
    };

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();   // host start-up finishes; the loop runs on its own
        SessionServices = new SessionServices
        {
            Connect = services.Connect, Time = services.Time, Logger = logger, EStop = state.EStop,
            Registry = services.Registry ?? ControllerRegistry.CreateDefault(),
        };
        RobotSession? session = null;
        try
        {
            state.Phase = ServicePhase.WaitingForRobot;
            session = await ConnectAsync(stop).ConfigureAwait(false);
            await RunEpisodesAsync(session, stop).ConfigureAwait(false);
            state.Phase = ServicePhase.Finished;
            ServiceLog.Stopping(logger, $"{options.Episodes} episodes done");
            lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            state.Phase = ServicePhase.Stopping;
            ServiceLog.Stopping(logger, "stop requested");
        }
        catch (Exception e)
        {
            Failure = e;
            state.LastError = e.Message;
            state.Phase = ServicePhase.Failed;
            logger.LogError(7009, "service: failed: {Error}", e.Message);
            lifetime.StopApplication();
        }
        finally
        {
            await Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                // Safe action (an episode cut short), driver deactivated and shut down; then the recording closes.
                if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
                Recording?.Dispose();
            }
            finally { Gate.Release(); }
        }
    }

    /// <summary>Not real-time. Opens the session, waiting for a robot that is not there yet; a model that does not fit it is fatal.</summary>
    private async Task<RobotSession> ConnectAsync(CancellationToken stop)
    {
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            RobotSession session;
            try { session = await Cli.RunCommand.OpenAsync(RunOptions, SessionServices, stop).ConfigureAwait(false); }
            catch (TimeoutException e)
            {
                state.LastError = e.Message;
                ServiceLog.RobotUnreachable(logger, e.Message, service.RetryDelay.TotalMilliseconds);
                await Task.Delay(service.RetryDelay, services.Time, stop).ConfigureAwait(false);
                continue;
            }
            try
            {
                Deployment d = session.Deployment!;
                ModelIdentity model = ModelIdentity.Of(options.ModelPath, options.SafetyModelPath, d.Card);
                state.Metrics.Configure(session.Spec!.ObservationSpace.Dimension);
                d.Loop.Monitor = state.Metrics;
                if (options.RecordDir is { } dir) Recording = new RollingRecording(dir, session.Spec.Id, model, service.Recording, logger);
                await session.ActivateAsync(stop).ConfigureAwait(false);
                state.Model = model;
                state.Attach(session);
                state.LastError = null;
                state.Phase = ServicePhase.Running;
                ServiceLog.Started(logger, session.Describe());
                ServiceLog.Driving(logger, session.Spec.Id, model.Kind, model.Algo, model.Digest);
                return session;
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task RunEpisodesAsync(RobotSession session, CancellationToken stop)
    {
        long id = Recording?.NextEpisodeId ?? 0;
        for (long done = 0; options.Episodes == 0 || done < options.Episodes;)
        {
            SessionEpisode e;
            try { e = await session.RunEpisodeAsync(id, stop, Recording).ConfigureAwait(false); }
            catch (TimeoutException t)
            {
                // Between episodes a silent robot is waited for (mid-episode the loop itself sends the safe action).
                ServiceLog.NoFirstState(logger, t.Message);
                continue;
            }
            done++;
            id++;
            state.EpisodeDone();
            ServiceLog.Episode(logger, SessionReport.EpisodeLine(e));
        }
    }
}
