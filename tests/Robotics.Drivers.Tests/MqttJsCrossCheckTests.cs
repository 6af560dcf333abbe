using System.Text.Json;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;

namespace Robotics.Drivers.Tests;

public class MqttJsCrossCheckTests
{
    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Robotics.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Robotics.sln not found above the test binaries");
    }

    [Fact]
    public async Task MqttJs_WatchesAndPokesAVirtualRobot_OnTheEmbeddedBroker()
    {
        string root = RepoRoot();
        string jsDir = Path.Combine(root, "tests", "js");
        if (!Directory.Exists(Path.Combine(jsDir, "node_modules", "mqtt")))
            throw new InvalidOperationException("MQTT.js missing: run `npm ci` in tests/js (test.sh does this)");
        string node = ExternalTool.Require("node", "nodejs");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        await using var robot = RobotHost.Mqtt(broker.Port, "js1", lockstep: false, period: TimeSpan.FromMilliseconds(20));
        await MqttDriverTests.Eventually(() => robot.Robot.StateSeq > 0, cts.Token);

        string script = Path.Combine(AppContext.BaseDirectory, "js", "mqtt-poke.mjs");
        var (code, stdout, stderr) = await Task.Run(() => MqttCli.Run(node, [script, jsDir, broker.Port.ToString(), "js1"], TimeSpan.FromSeconds(30)));
        Assert.True(code == 0, $"node failed: {stderr}");

        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal("js1", r.GetProperty("spec").GetProperty("id").GetString());
        Assert.Equal(3, r.GetProperty("spec").GetProperty("observation").GetProperty("names").GetArrayLength());
        Assert.Equal("online", r.GetProperty("status")[0].GetString());
        Assert.Equal("estop", r.GetProperty("estopStatus").GetString());
        var states = r.GetProperty("states").EnumerateArray().ToList();
        Assert.True(states.Count >= 10);
        Assert.All(states, s => Assert.Equal(3, s.GetProperty("obs").GetArrayLength()));
        Assert.True(states.Zip(states.Skip(1)).All(p => p.Second.GetProperty("seq").GetInt64() > p.First.GetProperty("seq").GetInt64()));
        Assert.True(robot.Robot.CommandsReceived >= 1, "the robot took MQTT.js's command");
        Assert.True(robot.Robot.EStopEngaged, "and obeyed its e-stop");
    }
}
