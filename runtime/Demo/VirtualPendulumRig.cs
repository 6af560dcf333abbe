using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Mqtt;
using Robotics.Sim.Environments;
using Robotics.Sim.Serve;

namespace Robotics.Runtime.Demo;

/// <summary>
/// The demo's "hardware": the embedded MQTT broker on 127.0.0.1 and a virtual robot behind it (what
/// <c>robotics-sim serve --transport mqtt</c> runs), so the runtime talks to it exactly as to a real robot.
/// Not real-time. Dispose stops the robot first (it publishes "offline"), then the broker.
/// </summary>
public sealed class VirtualPendulumRig : IAsyncDisposable
{
    private readonly EmbeddedBroker _broker;
    private readonly MqttRobotServer _server;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;
    private bool _disposed;

    private readonly IEnvironment _env;
    private readonly VirtualRobotOptions _robotOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private VirtualPendulumRig(EmbeddedBroker broker, MqttRobotServer server, IEnvironment env, VirtualRobotOptions robotOptions,
                               TimeProvider time, ILogger logger, string robotUri)
    {
        _broker = broker; _server = server; _env = env; _robotOptions = robotOptions; _time = time; _logger = logger; RobotUri = robotUri;
        Spec = env.ToSpec(robotOptions.RobotId);
    }

    /// <summary>The spec the robot will announce.</summary>
    public RobotSpec Spec { get; }
    /// <summary>The running robot; null before <see cref="StartRobot"/>.</summary>
    public VirtualRobot? Robot { get; private set; }
    /// <summary>Robot-side MQTT counters (commands received or rejected).</summary>
    public Robotics.Drivers.Common.DriverCounters RobotCounters => _server.Counters;
    /// <summary>The address the runtime connects to, <c>mqtt://127.0.0.1:PORT/ID</c>.</summary>
    public string RobotUri { get; }
    public int BrokerPort => _broker.Port;

    /// <summary>
    /// Starts the broker and builds the robot without powering it on (<see cref="StartRobot"/>): a real-time
    /// robot steps from the moment it starts, so the demo loads its model first and joins its first episode
    /// within a few steps.
    /// </summary>
    public static async Task<VirtualPendulumRig> StartAsync(string envId, string robotId, int seed, int brokerPort,
                                                            TimeProvider time, ILogger logger)
    {
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = brokerPort }, logger).ConfigureAwait(false);
        try
        {
            var server = new MqttRobotServer(new MqttRobotServerOptions
            {
                RobotId = robotId, Connection = new MqttConnectionOptions { Host = "127.0.0.1", Port = broker.Port },
            }, time, logger);
            return new VirtualPendulumRig(broker, server, EnvironmentRegistry.Create(envId, seed),
                new VirtualRobotOptions { EnvId = envId, RobotId = robotId, Seed = seed }.Validate(), time, logger,
                $"mqtt://127.0.0.1:{broker.Port}/{robotId}");
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Powers the robot on: it connects, publishes its spec and starts stepping (serving until disposed).</summary>
    /// <param name="lockstep">Step once per command instead of every control period.</param>
    public void StartRobot(bool lockstep)
    {
        if (Robot is not null || _disposed) throw new InvalidOperationException("the virtual robot is already running or stopped");
        var robot = new VirtualRobot(_env, _robotOptions with { Lockstep = lockstep }, _server, _time, _logger);
        Robot = robot;
        _serving = Task.Run(() => robot.RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Idempotent: the demo stops the rig before its summary, and <c>await using</c> disposes it again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _serving.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await _server.DisposeAsync().ConfigureAwait(false);
        await _broker.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
