using System.Net;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// Mosquitto with the shipped deploy/mosquitto/mosquitto.conf and ACL, credentials made by the shipped
/// make-credentials.sh, on free 127.0.0.1 ports. Only paths and ports are rewritten; with <c>tls</c> the
/// config's optional TLS listener is switched on too.
/// </summary>
internal sealed class ShippedBroker : IDisposable
{
    public static readonly string[] Roles = ["robot", "controller", "operator", "observer"];

    public ShippedBroker(bool tls = false)
    {
        Dir = Directory.CreateTempSubdirectory("shipped-broker-").FullName;
        string deploy = Path.Combine(RepoRoot, "deploy", "mosquitto");
        var args = new List<string> { Path.Combine(deploy, "make-credentials.sh"), "--dir", Dir };
        if (tls) args.AddRange(["--tls", "--server-name", "localhost"]);
        var (code, _, err) = MqttCli.Run("bash", args, TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException($"make-credentials.sh failed ({code}): {err}");
        Port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        TlsPort = tls ? EmbeddedBroker.FreePort(IPAddress.Loopback) : 0;
        string config = File.ReadAllText(Path.Combine(deploy, "mosquitto.conf")).Replace("/etc/mosquitto/robotics", Dir);
        config = Replace(config, "listener 1883 127.0.0.1", $"listener {Port} 127.0.0.1");
        if (tls) config = Replace(config.Replace("#tls ", ""), "listener 8883", $"listener {TlsPort} 127.0.0.1");
        Mosquitto = MosquittoProcess.FromConfig(Port, config);
    }

    public MosquittoProcess Mosquitto { get; }
    public string Dir { get; }
    public int Port { get; }
    public int TlsPort { get; }
    public string CaFile => Path.Combine(Dir, "tls", "ca.pem");

    public string PasswordFile(string role) => Path.Combine(Dir, "secrets", role + ".password");
    public string Password(string role) => File.ReadAllText(PasswordFile(role)).Trim();

    /// <summary>The documented address of <paramref name="role"/> for robot <paramref name="id"/>: user in the address, password from its file.</summary>
    public string Address(string role, string id, string extra = "") => $"mqtt://{role}@127.0.0.1:{Port}/{id}?password_file={PasswordFile(role)}{extra}";

    public MqttConnectionOptions Connection(string role) =>
        RobotUri.ParseMqtt(Address(role, "x")).Connection with { Reconnect = RobotHost.QuickReconnect };

    /// <summary>mosquitto_pub as <paramref name="role"/> (null: anonymous); the exit code and stderr.</summary>
    public (int Code, string Err) Pub(string? role, string topic, string message, bool retain = false)
    {
        var a = new List<string> { "-h", "127.0.0.1", "-p", Port.ToString(), "-t", topic, "-m", message, "-q", "1", "-V", "5" };
        // Test tooling only: the stock client takes -P; the runtime and the robot read their password files.
        if (role is not null) a.AddRange(["-u", role, "-P", Password(role)]);
        if (retain) a.Add("-r");
        var (code, _, err) = MqttCli.Run(ExternalTool.Require("mosquitto_pub", "mosquitto-clients"), a, TimeSpan.FromSeconds(10));
        return (code, err);
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Robotics.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Robotics.sln above {AppContext.BaseDirectory}");
    }

    private static string Replace(string text, string what, string with) =>
        text.Contains(what, StringComparison.Ordinal) ? text.Replace(what, with, StringComparison.Ordinal)
            : throw new InvalidOperationException($"the shipped mosquitto.conf no longer has '{what}'");

    public void Dispose()
    {
        Mosquitto.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
