using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Server;

namespace Robotics.Drivers.Mqtt;

/// <summary>Options of the in-process broker. Port 0 picks a free port.</summary>
public sealed record EmbeddedBrokerOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    public int Port { get; init; }

    public EmbeddedBrokerOptions Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"embedded broker: port must be 0..65535, got {Port}");
        return this;
    }
}

/// <summary>
/// An MQTTnet broker inside the process, so a demo or test needs no Mosquitto. Listens on 127.0.0.1 by
/// default; clients that connect with an empty client id get one assigned ("anon-N"). Not real-time.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private int _anonymous;

    private EmbeddedBroker(MqttServer server, IPAddress address, int port)
    {
        _server = server;
        Address = address;
        Port = port;
    }

    public IPAddress Address { get; }
    public int Port { get; }
    public string Uri => $"mqtt://{Address}:{Port}";

    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions options, ILogger? logger = null)
    {
        options.Validate();
        int port = options.Port == 0 ? FreePort(options.Address) : options.Port;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(options.Address)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(serverOptions);
        var broker = new EmbeddedBroker(server, options.Address, port);
        server.ValidatingConnectionAsync += broker.ValidateAsync;
        await server.StartAsync();
        (logger ?? NullLogger.Instance).LogInformation("embedded broker listening on {Address}:{Port}", options.Address, port);
        return broker;
    }

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
            e.AssignedClientIdentifier = "anon-" + Interlocked.Increment(ref _anonymous);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(new MqttServerStopOptions());
        _server.Dispose();
    }

    /// <summary>Asks the OS for a free TCP port on <paramref name="address"/> (racy by nature; fine on loopback).</summary>
    public static int FreePort(IPAddress address)
    {
        using var l = new TcpListener(address, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
