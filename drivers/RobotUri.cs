using System.Globalization;
using System.Web;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;

namespace Robotics.Drivers;

/// <summary>
/// Parses a robot address into driver options:
/// <c>mqtt://[user@]HOST[:PORT]/ID[?prefix=robots/{id}&amp;qos=0&amp;ttl_ms=200&amp;v=5&amp;password_file=FILE&amp;max_packet=65536]</c>,
/// <c>mqtts://...</c> (TLS, port 8883; <c>ca=FILE</c>, <c>cert=FILE&amp;key=FILE</c> for a client certificate,
/// <c>server_name=NAME</c>, <c>insecure=true</c>), and
/// <c>serial:///dev/ttyUSB0?baud=115200[&amp;io=tty|serialport&amp;heartbeat_ms=100&amp;ttl_ms=200]</c>.
/// <c>sim:</c> addresses are the runtime's. Throws <see cref="FormatException"/> with a one-line reason.
/// A password is never part of an address (the command line shows in <c>ps</c>): it comes from
/// <c>password_file=</c> or the environment (<see cref="MqttSecret.FromEnvironment"/>); <c>user:pass@</c> is refused,
/// and every message quotes the address with the password replaced by <c>***</c>.
/// </summary>
public static class RobotUri
{
    public static bool IsMqtt(string uri) => uri.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase);
    public static bool IsSerial(string uri) => uri.StartsWith("serial://", StringComparison.OrdinalIgnoreCase);

    public static MqttRobotDriverOptions ParseMqtt(string text)
    {
        var uri = Parse(text);
        text = Redact(text);
        bool tls = uri.Scheme == "mqtts";
        string id = uri.AbsolutePath.Trim('/');
        if (id.Length == 0) throw new FormatException($"'{text}': the robot id is missing (mqtt://HOST:PORT/ID)");
        if (id.Contains('/')) throw new FormatException($"'{text}': the robot id '{id}' must not contain '/' (use ?prefix= for nested topics)");
        var q = HttpUtility.ParseQueryString(uri.Query);
        Known(text, q, "prefix", "qos", "ttl_ms", "v", "ca", "cert", "key", "server_name", "insecure", "password_file", "plaintext_password", "max_packet");
        string? user = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1)
                throw new FormatException($"'{text}': a password in the address shows in ps and in logs; put it in a file (password_file=FILE or {MqttSecret.FileVariable})");
        }
        MqttSecret? password;
        try { password = q["password_file"] is { } pf ? MqttSecret.FromFile(pf) : user is null ? null : MqttSecret.FromEnvironment(); }
        catch (ArgumentException e) { throw new FormatException($"'{text}': {e.Message}", e); }
        if (password is not null && user is null) throw new FormatException($"'{text}': password_file needs a user (mqtt://USER@HOST/ID)");
        var connection = new MqttConnectionOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port,
            Username = user,
            Password = password,
            AllowPlaintextPassword = q["plaintext_password"] switch
            {
                null => false,
                "allow" => true,
                var v => throw new FormatException($"'{text}': plaintext_password={v} must be 'allow' (lab setups only)"),
            },
            MaxPacketSize = Int(text, q, "max_packet") ?? MqttConnectionOptions.DefaultMaxPacketSize,
            ProtocolVersion = q["v"] switch
            {
                null or "5" => MQTTnet.Formatter.MqttProtocolVersion.V500,
                "3.1.1" or "4" or "311" => MQTTnet.Formatter.MqttProtocolVersion.V311,
                var v => throw new FormatException($"'{text}': v={v} is not an MQTT version (5 or 3.1.1)"),
            },
            Tls = new MqttTlsOptions
            {
                Enabled = tls,
                CaCertificateFile = q["ca"],
                ClientCertificateFile = q["cert"],
                ClientKeyFile = q["key"],
                TargetHost = q["server_name"],
                AllowUntrustedCertificates = Bool(text, q, "insecure") ?? false,
            },
        };
        var qos = Int(text, q, "qos") is int level
            ? level is >= 0 and <= 2 ? (MQTTnet.Protocol.MqttQualityOfServiceLevel)level : throw new FormatException($"'{text}': qos must be 0, 1 or 2")
            : MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce;
        var options = new MqttRobotDriverOptions
        {
            RobotId = id,
            Connection = connection,
            TopicPrefix = q["prefix"] ?? "robots/{id}",
            Qos = new MqttQosOptions { State = qos, Command = qos },
            CommandTtl = TimeSpan.FromMilliseconds(Int(text, q, "ttl_ms") ?? 200),
        };
        return Validated(text, options.Validate);
    }

    public static SerialRobotDriverOptions ParseSerial(string text)
    {
        var uri = Parse(text);
        if (uri.Scheme != "serial") throw new FormatException($"'{text}': not a serial:// address");
        string path = Uri.UnescapeDataString(uri.AbsolutePath);
        if (path.Length < 2) throw new FormatException($"'{text}': the device path is missing (serial:///dev/ttyUSB0)");
        var q = HttpUtility.ParseQueryString(uri.Query);
        Known(text, q, "baud", "io", "heartbeat_ms", "ttl_ms");
        var options = new SerialRobotDriverOptions
        {
            Link = new SerialLinkOptions
            {
                PortPath = path,
                Baud = Int(text, q, "baud") ?? 115200,
                Io = q["io"] switch
                {
                    null or "auto" => SerialIo.Auto,
                    "tty" => SerialIo.TtyFile,
                    "serialport" => SerialIo.SerialPort,
                    var v => throw new FormatException($"'{text}': io={v} must be auto, tty or serialport"),
                },
                HeartbeatPeriod = TimeSpan.FromMilliseconds(Int(text, q, "heartbeat_ms") ?? 100),
            },
            CommandTtl = TimeSpan.FromMilliseconds(Int(text, q, "ttl_ms") ?? 200),
        };
        return Validated(text, options.Validate);
    }

    /// <summary>The address with any inline password replaced by <c>***</c> (for messages).</summary>
    public static string Redact(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");

    private static T Validated<T>(string text, Func<T> validate)
    {
        try { return validate(); }
        catch (ArgumentException e) { throw new FormatException($"'{text}': {e.Message}", e); }
    }

    private static Uri Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new FormatException($"'{Redact(text)}' is not a robot address (mqtt://HOST:PORT/ID or serial:///dev/ttyX?baud=N)");
        return uri;
    }

    private static void Known(string text, System.Collections.Specialized.NameValueCollection q, params string[] keys)
    {
        foreach (string? k in q.AllKeys)
            if (k is null || Array.IndexOf(keys, k) < 0)
                throw new FormatException($"'{text}': unknown parameter '{k}' (known: {string.Join(", ", keys)})");
    }

    private static int? Int(string text, System.Collections.Specialized.NameValueCollection q, string key) =>
        q[key] is not { } v ? null
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i
        : throw new FormatException($"'{text}': {key}={v} is not an integer");

    private static bool? Bool(string text, System.Collections.Specialized.NameValueCollection q, string key) =>
        q[key] is not { } v ? null
        : bool.TryParse(v, out bool b) ? b
        : throw new FormatException($"'{text}': {key}={v} is not true/false");
}
