using MQTTnet.Protocol;

namespace Robotics.Drivers.Mqtt;

/// <summary>QoS per topic. States and commands are superseded every tick, so QoS 0 by default; the rest QoS 1.</summary>
public sealed record MqttQosOptions
{
    public MqttQualityOfServiceLevel State { get; init; } = MqttQualityOfServiceLevel.AtMostOnce;
    public MqttQualityOfServiceLevel Command { get; init; } = MqttQualityOfServiceLevel.AtMostOnce;
    public MqttQualityOfServiceLevel Spec { get; init; } = MqttQualityOfServiceLevel.AtLeastOnce;
    public MqttQualityOfServiceLevel EStop { get; init; } = MqttQualityOfServiceLevel.AtLeastOnce;
    public MqttQualityOfServiceLevel Status { get; init; } = MqttQualityOfServiceLevel.AtLeastOnce;
}

/// <summary>The runtime side of one MQTT robot.</summary>
public sealed record MqttRobotDriverOptions
{
    public required string RobotId { get; init; }
    public MqttConnectionOptions Connection { get; init; } = new();
    /// <summary>Topic prefix; <c>{id}</c> is replaced by the robot id.</summary>
    public string TopicPrefix { get; init; } = "robots/{id}";
    public MqttQosOptions Qos { get; init; } = new();
    /// <summary>ttl_ms for commands whose buffer says 0: how long the robot may apply a command before its safe action.</summary>
    public TimeSpan CommandTtl { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long Configure waits for the broker and the robot's retained spec.</summary>
    public TimeSpan ConfigureTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public MqttTopics Topics => MqttTopics.For(RobotId, TopicPrefix);

    public MqttRobotDriverOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(RobotId) || RobotId.IndexOfAny(['/', '+', '#']) >= 0)
            throw new ArgumentException($"mqtt driver: robot id '{RobotId}' must be non-empty without '/', '+' or '#'");
        MqttTopics.ValidatePrefix(TopicPrefix);
        Connection.Validate();
        if (CommandTtl <= TimeSpan.Zero || CommandTtl > TimeSpan.FromSeconds(60))
            throw new ArgumentException($"mqtt driver: command ttl must be in (0, 60 s], got {CommandTtl}");
        if (ConfigureTimeout <= TimeSpan.Zero) throw new ArgumentException($"mqtt driver: configure timeout must be positive, got {ConfigureTimeout}");
        return this;
    }
}
