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
    public string? Password { get; init; }
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
        if (Tls.ClientKeyFile is not null && Tls.ClientCertificateFile is null)
            throw new ArgumentException("mqtt tls: a client key needs a client certificate");
        foreach (var f in new[] { Tls.CaCertificateFile, Tls.ClientCertificateFile, Tls.ClientKeyFile })
            if (f is not null && !File.Exists(f)) throw new ArgumentException($"mqtt tls: file not found: {f}");
        Reconnect.Validate();
        return this;
    }
}
