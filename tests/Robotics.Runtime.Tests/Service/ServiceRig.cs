using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Drivers.Mqtt;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Service;
using Robotics.Runtime.Session;
using Robotics.Sim.Environments;
using Robotics.Sim.Serve;

namespace Robotics.Runtime.Tests.Service;

/// <summary>
/// <c>robotics serve</c>'s host in the test process against a virtual pendulum stepping in real time (20 Hz, its own
/// clock) over the embedded MQTT broker, optionally with a fake systemd notify socket (a unix datagram socket the
/// rig binds and reads).
/// </summary>
internal sealed class ServiceRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private EmbeddedBroker _broker = null!;
    private MqttRobotServer _transport = null!;
    private Task _robotRun = Task.CompletedTask;
    private IHost _host = null!;
    private Socket? _notify;
    private Task _notifyRead = Task.CompletedTask;
    private readonly List<(string Message, DateTime At)> _messages = [];
    private string _dir = "";

    public VirtualRobot Robot { get; private set; } = null!;
    public ServiceState State { get; private set; } = null!;
    public ModelReloader Reloader { get; private set; } = null!;
    public HealthCheck Health { get; private set; } = null!;

    /// <summary>What the fake systemd received, in order.</summary>
    public List<(string Message, DateTime At)> Notifications { get { lock (_messages) return [.. _messages]; } }

    public static async Task<ServiceRig> StartAsync(string model, ControllerRegistry registry, TimeSpan? watchdog = null,
                                                    ServiceOptions? service = null)
    {
        var rig = new ServiceRig();
        rig._dir = Directory.CreateTempSubdirectory("service-rig-").FullName;
        var env = new Dictionary<string, string?>();
        if (watchdog is { } w)
        {
            string path = Path.Combine(rig._dir, "notify.sock");
            rig._notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            rig._notify.Bind(new UnixDomainSocketEndPoint(path));
            rig._notifyRead = Task.Run(() => rig.ReadNotifications());
            env["NOTIFY_SOCKET"] = path;
            env["WATCHDOG_USEC"] = ((long)w.TotalMicroseconds).ToString();
        }
        rig._broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        rig._transport = new MqttRobotServer(new MqttRobotServerOptions
        {
            RobotId = "svc", Connection = new MqttConnectionOptions { Host = "127.0.0.1", Port = rig._broker.Port },
        }, TimeProvider.System, NullLogger.Instance);
        rig.Robot = new VirtualRobot(EnvironmentRegistry.Create("pendulum", 3), new VirtualRobotOptions { EnvId = "pendulum", RobotId = "svc", Seed = 3 },
                                     rig._transport, TimeProvider.System, NullLogger.Instance);
        rig._robotRun = Task.Run(() => rig.Robot.RunAsync(rig._cts.Token));

        var session = new SessionOptions { ModelPath = model, Robot = $"mqtt://127.0.0.1:{rig._broker.Port}/svc", Episodes = 0 }.Validate();
        var services = new ServeServices { Registry = registry, Environment = env };
        rig._host = ServiceHost.Build(session, service ?? new ServiceOptions { RetryDelay = TimeSpan.FromMilliseconds(200) },
                                      ServeConfiguration.Load(rig._dir, env), services);
        rig.State = rig._host.Services.GetRequiredService<ServiceState>();
        rig.Reloader = rig._host.Services.GetRequiredService<ModelReloader>();
        rig.Health = rig._host.Services.GetRequiredService<HealthCheck>();
        await rig._host.StartAsync();
        return rig;
    }

    private void ReadNotifications()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int n;
            try { n = _notify!.Receive(buffer); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            lock (_messages) _messages.Add((System.Text.Encoding.UTF8.GetString(buffer, 0, n), DateTime.UtcNow));
        }
    }

    /// <summary>Waits until <paramref name="ok"/> holds, failing with <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task Until(Func<bool> ok, TimeSpan within, string what)
    {
        var end = DateTime.UtcNow + within;
        while (!ok())
        {
            if (DateTime.UtcNow > end) Assert.Fail($"{what} not within {within.TotalSeconds:F0} s");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _cts.Cancel();
        try { await _robotRun.WaitAsync(TimeSpan.FromSeconds(10)); } catch (OperationCanceledException) { }
        await _transport.DisposeAsync();
        await _broker.DisposeAsync();
        _notify?.Dispose();
        await _notifyRead.WaitAsync(TimeSpan.FromSeconds(5));
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
