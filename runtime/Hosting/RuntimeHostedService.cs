using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Robots;

namespace Robotics.Runtime.Hosting;

/// <summary>
/// The runtime as a long-lived service (systemd, containers): connects the robot, loads and checks the model
/// (<see cref="MpcController"/>), then runs episodes with the control loop until the host stops or
/// <see cref="RuntimeServiceOptions.Episodes"/> are done. Options are validated in <see cref="StartAsync"/>, so a
/// bad configuration fails host start-up before the robot is touched. Stopping cancels the running episode,
/// then deactivates (the robot falls back to its safe action when the last command's ttl runs out) and shuts
/// the driver down.
/// </summary>
public sealed class RuntimeHostedService(RuntimeServiceOptions options, ILogger<RuntimeHostedService> logger,
                                         TimeProvider time, RunCommand.Connector connect) : BackgroundService
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
        var estop = new EStopLatch();
        IRobotDriver driver = connect(options.Robot, options.Seed, time, logger, estop);
        await using (driver.ConfigureAwait(false))
        {
            try
            {
                RobotSpec spec = await driver.ConfigureAsync(stoppingToken).ConfigureAwait(false);
                var controllerOptions = new MpcControllerOptions
                {
                    Planner = options.Planner, Budget = options.Budget, Gate = options.Gate, Seed = options.Seed,
                    Loop = new ControlLoopOptions { Realtime = options.Realtime, RobotId = spec.Id, Source = RobotConnector.SourceOf(options.Robot), Record = false },
                }.Validate();
                using var controller = MpcController.Create(options.ModelPath, driver, spec, controllerOptions, time, logger, estop);
                logger.LogInformation("runtime service: robot {Robot} ({Env}), model {Model} on {Provider}, planner {Planner}",
                    spec.Id, spec.EnvId, Path.GetFileName(options.ModelPath), controller.Provider, options.Planner);
                await driver.ActivateAsync(stoppingToken).ConfigureAwait(false);
                for (long ep = 0; options.Episodes == 0 || ep < options.Episodes; ep++)
                {
                    controller.Gate.Reset();
                    EpisodeReport r = await controller.Loop.RunEpisodeAsync(ep, null, stoppingToken).ConfigureAwait(false);
                    _last = r;
                    Interlocked.Increment(ref _episodes);
                    logger.LogInformation("runtime service: episode {Episode} return {Return:F1} over {Steps} steps, plan {Median:F1} ms median, {Overruns} overruns, {Interventions} gate interventions",
                        ep, r.Return, r.Steps, r.Timing.PlanMsMedian, r.Timing.Overruns, r.Interventions);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                logger.LogInformation("runtime service: stopping");
            }
            finally
            {
                await driver.DeactivateAsync(CancellationToken.None).ConfigureAwait(false);
                await driver.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                RobotReleased = true;
            }
        }
    }
}
