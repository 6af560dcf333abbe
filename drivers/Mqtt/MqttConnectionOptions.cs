using MQTTnet.Formatter;
using Robotics.Drivers.Resilience;

namespace Robotics.Drivers.Mqtt;

/// <summary>TLS to the broker. <see cref="CaCertificateFile"/> (PEM) pins a private CA; otherwise the system store is used.</summary>
public sealed record MqttTlsOptions
{
    public bool Enabled { get; init; }
    /// <summary>Server name to validate; defaults to the broker host.</summary>
    public string? TargetHost { get; init; }
    public string? CaCertificateFile { get; init; }
    /// <summary>Client certificate (PEM) and key for mutual TLS.</summary>
    public string? ClientCertificateFile { get; init; }
    public string? ClientKeyFile { get; init; }
    /// <summary>Accept any server certificate. For lab setups only.</summary>
    public bool AllowUntrustedCertificates { get; init; }
}

/// <summary>A last-will message the broker publishes when this client vanishes without a clean disconnect.</summary>
public sealed record MqttWill(string Topic, string Payload, bool Retain = true);

/// <summary>How to reach a broker. Works with any MQTT 3.1.1 or 5 broker.</summary>
public sealed record MqttConnectionOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>Empty: the broker assigns one (MQTT 5; 3.1.1 brokers that allow zero-length ids with clean sessions).</summary>
    public string ClientId { get; init; } = "";
    public string? Username { get; init; }
    /// <summary>From a file or the environment (<see cref="MqttSecret"/>); printed as <c>***</c>.</summary>
    public MqttSecret? Password { get; init; }
    /// <summary>
    /// Lab flag: send a password without TLS to a broker that is not on this machine. Off by default (a
    /// password over plaintext to another host is refused); loopback brokers never need it.
    /// </summary>
    public bool AllowPlaintextPassword { get; init; }
    /// <summary>
    /// The largest MQTT packet this client accepts (MQTT 5 tells the broker, which then never forwards a
    /// bigger one) and sends. The default fits a spec of a few hundred dimensions.
    /// </summary>
    public int MaxPacketSize { get; init; } = DefaultMaxPacketSize;
    public const int DefaultMaxPacketSize = 64 * 1024;
    public MqttTlsOptions Tls { get; init; } = new();
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(5);
    public MqttWill? Will { get; init; }
    public ReconnectOptions Reconnect { get; init; } = new();

    public MqttConnectionOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("mqtt: broker host is empty");
        if (Port is < 1 or > 65535) throw new ArgumentException($"mqtt: broker port must be 1..65535, got {Port}");
        if (ProtocolVersion is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
            throw new ArgumentException($"mqtt: protocol version must be 3.1.1 or 5, got {ProtocolVersion}");
        if (KeepAlive < TimeSpan.FromSeconds(1)) throw new ArgumentException($"mqtt: keep-alive must be at least 1 s, got {KeepAlive}");
        if (Password is not null && Username is null) throw new ArgumentException("mqtt: a password needs a username");
        if (Password is not null && !Tls.Enabled && !AllowPlaintextPassword && !IsLoopback(Host))
            throw new ArgumentException($"mqtt: refusing to send a password without TLS to {Host} (use mqtts://, or plaintext_password=allow in a lab)");
        if (MaxPacketSize is < 1024 or > 256 * 1024 * 1024) throw new ArgumentException($"mqtt: max packet size must be 1 KiB..256 MiB, got {MaxPacketSize}");
        if (Tls.ClientKeyFile is not null && Tls.ClientCertificateFile is null)
            throw new ArgumentException("mqtt tls: a client key needs a client certificate");
        foreach (var f in new[] { Tls.CaCertificateFile, Tls.ClientCertificateFile, Tls.ClientKeyFile })
            if (f is not null && !File.Exists(f)) throw new ArgumentException($"mqtt tls: file not found: {f}");
        Reconnect.Validate();
        return this;
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
