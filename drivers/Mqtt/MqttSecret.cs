namespace Robotics.Drivers.Mqtt;

/// <summary>
/// A broker password. Its text is readable only inside the drivers assembly (handed to the MQTT client);
/// <see cref="ToString"/> prints <c>***</c>, so options records, log lines and exception messages never
/// carry it. Read it from a file or the environment, never from the command line (which <c>ps</c> shows).
/// </summary>
public sealed class MqttSecret
{
    /// <summary>Names a file whose content (first line) is the password.</summary>
    public const string FileVariable = "ROBOTICS_MQTT_PASSWORD_FILE";
    /// <summary>Holds the password itself (for containers that inject secrets as variables).</summary>
    public const string ValueVariable = "ROBOTICS_MQTT_PASSWORD";

    private readonly string _value;

    public MqttSecret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>Not real-time. The first line of <paramref name="path"/>; a missing or empty file is a one-line error naming the file, not its content.</summary>
    public static MqttSecret FromFile(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"mqtt: password file not found: {path}");
        string text;
        using (var reader = new StreamReader(path)) text = reader.ReadLine() ?? "";
        if (text.Length == 0) throw new ArgumentException($"mqtt: password file is empty: {path}");
        return new MqttSecret(text);
    }

    /// <summary>Not real-time. From <see cref="FileVariable"/> (preferred) or <see cref="ValueVariable"/>; null when neither is set.</summary>
    public static MqttSecret? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } file) return FromFile(file);
        return Environment.GetEnvironmentVariable(ValueVariable) is { Length: > 0 } value ? new MqttSecret(value) : null;
    }

    /// <summary>The password; only for the MQTT client's CONNECT packet.</summary>
    internal string Reveal() => _value;

    /// <summary>True when <paramref name="text"/> contains the password (for redaction checks in tests and logs).</summary>
    public bool AppearsIn(string text) => text.Contains(_value, StringComparison.Ordinal);

    public override string ToString() => "***";
}
