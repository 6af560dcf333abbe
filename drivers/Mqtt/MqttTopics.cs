namespace Robotics.Drivers.Mqtt;

/// <summary>The topics of one robot under a prefix (default <c>robots/{id}</c>).</summary>
public sealed record MqttTopics(string Prefix)
{
    public static MqttTopics For(string robotId, string? prefix = null) =>
        new((prefix ?? "robots/{id}").Replace("{id}", robotId, StringComparison.Ordinal).TrimEnd('/'));

    /// <summary>Retained, robot -> runtime: the robot's spec (JSON).</summary>
    public string Spec => Prefix + "/spec";
    /// <summary>Robot -> runtime: states (JSON).</summary>
    public string State => Prefix + "/state";
    /// <summary>Runtime -> robot: commands (JSON).</summary>
    public string Command => Prefix + "/command";
    /// <summary>Anyone -> everyone, retained: e-stop engage/release (JSON).</summary>
    public string EStop => Prefix + "/estop";
    /// <summary>Operator -> everyone, never retained: the two steps of an e-stop reset (JSON). The broker's ACL lets only the operator role write it.</summary>
    public string EStopReset => Prefix + "/estop/reset";
    /// <summary>Retained, robot: "online" / "estop" / "offline" (the robot's last will).</summary>
    public string Status => Prefix + "/status";
    /// <summary>Retained, runtime: "online" / "offline" (the runtime's last will).</summary>
    public string ControllerStatus => Prefix + "/controller/status";

    public static void ValidatePrefix(string prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix)) throw new ArgumentException("mqtt: topic prefix is empty");
        if (prefix.IndexOfAny(['+', '#']) >= 0) throw new ArgumentException($"mqtt: topic prefix '{prefix}' must not contain wildcards");
    }
}
