using Microsoft.Extensions.Logging;
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

    private VirtualPendulumRig(EmbeddedBroker broker, MqttRobotServer server, VirtualRobot robot, string robotUri)
    {
        _broker = broker; _server = server; Robot = robot; RobotUri = robotUri;
    }

    public VirtualRobot Robot { get; }
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
    public static async Task<VirtualPendulumRig> StartAsync(string envId, string robotId, int seed, bool realtime, int brokerPort,
                                                            TimeProvider time, ILogger logger)
    {
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = brokerPort }, logger).ConfigureAwait(false);
        try
        {
            var server = new MqttRobotServer(new MqttRobotServerOptions
            {
                RobotId = robotId, Connection = new MqttConnectionOptions { Host = "127.0.0.1", Port = broker.Port },
            }, time, logger);
            var robot = new VirtualRobot(EnvironmentRegistry.Create(envId, seed),
                new VirtualRobotOptions { EnvId = envId, RobotId = robotId, Seed = seed, Lockstep = !realtime }, server, time, logger);
            return new VirtualPendulumRig(broker, server, robot, $"mqtt://127.0.0.1:{broker.Port}/{robotId}");
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Powers the robot on: it connects, publishes its spec and starts stepping (serving until disposed).</summary>
    public void StartRobot()
    {
        if (!_serving.IsCompleted || _disposed) throw new InvalidOperationException("the virtual robot is already running or stopped");
        _serving = Task.Run(() => Robot.RunAsync(_stop.Token), CancellationToken.None);
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
