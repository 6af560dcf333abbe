using Microsoft.Extensions.Logging;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Resilience;
using Robotics.Drivers.Serial;
using Robotics.Sim.Environments;
using Robotics.Sim.Serve;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>A virtual robot running in the test process, stopped on dispose.</summary>
internal sealed class RobotHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();

    private RobotHost(VirtualRobot robot, IRobotServerTransport transport)
    {
        Robot = robot;
        Transport = transport;
        Run = Task.Run(() => robot.RunAsync(_cts.Token));
    }

    public VirtualRobot Robot { get; }
    public IRobotServerTransport Transport { get; }
    public Task Run { get; }
    public ListLogger Log { get; } = new();

    /// <summary>Fast reconnects for tests (the defaults are tuned for real brokers).</summary>
    public static ReconnectOptions QuickReconnect => new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(400),
        AttemptTimeout = TimeSpan.FromSeconds(1),
        BreakDuration = TimeSpan.FromMilliseconds(500),
    };

    public static RobotHost Mqtt(int port, string id, bool lockstep, TimeSpan? period = null, int seed = 0, ILogger? logger = null, bool sendSession = true)
    {
        var transport = new MqttRobotServer(new MqttRobotServerOptions
        {
            RobotId = id,
            SendSession = sendSession,
            Connection = new MqttConnectionOptions { Host = "127.0.0.1", Port = port, Reconnect = QuickReconnect },
        }, TimeProvider.System, logger ?? new ListLogger());
        return Start(transport, id, lockstep, period, seed, logger);
    }

    /// <summary>A robot with its own connection (credentials) and options (ttl cap, latch file, ...), pendulum unless the options say otherwise.</summary>
    public static RobotHost Mqtt(MqttConnectionOptions connection, VirtualRobotOptions options, ILogger? logger = null)
    {
        var transport = new MqttRobotServer(new MqttRobotServerOptions { RobotId = options.RobotId, Connection = connection }, TimeProvider.System, logger ?? new ListLogger());
        return Start(transport, options, logger);
    }

    /// <summary>A robot over <paramref name="env"/> (e.g. a FaultyEnvironment, as robotics-sim serve --fault builds it) on an anonymous broker.</summary>
    public static RobotHost Mqtt(int port, VirtualRobotOptions options, Robotics.Sim.Environments.IEnvironment env)
    {
        var transport = new MqttRobotServer(new MqttRobotServerOptions
        {
            RobotId = options.RobotId,
            Connection = new MqttConnectionOptions { Host = "127.0.0.1", Port = port, Reconnect = QuickReconnect },
        }, TimeProvider.System, new ListLogger());
        return new RobotHost(new VirtualRobot(env, options, transport, TimeProvider.System, new ListLogger()), transport);
    }

    public static RobotHost Serial(string path, bool lockstep, SerialIo io = SerialIo.Auto, TimeSpan? period = null, int seed = 0)
    {
        var transport = new SerialRobotServer(new SerialLinkOptions { PortPath = path, Io = io, Reopen = QuickReconnect }, TimeProvider.System, new ListLogger());
        return Start(transport, "s1", lockstep, period, seed, null);
    }

    private static RobotHost Start(IRobotServerTransport transport, string id, bool lockstep, TimeSpan? period, int seed, ILogger? logger)
    {
        var options = new VirtualRobotOptions { EnvId = "pendulum", RobotId = id, Lockstep = lockstep, Period = period, Seed = seed };
        return Start(transport, options, logger);
    }

    private static RobotHost Start(IRobotServerTransport transport, VirtualRobotOptions options, ILogger? logger)
    {
        var robot = new VirtualRobot(EnvironmentRegistry.Create(options.EnvId, options.Seed), options, transport, TimeProvider.System, logger ?? new ListLogger());
        return new RobotHost(robot, transport);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        try { await Run.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (OperationCanceledException) { }
        await Transport.DisposeAsync();
        _cts.Dispose();
    }
}
