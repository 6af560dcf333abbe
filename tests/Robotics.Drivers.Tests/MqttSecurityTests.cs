using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Serve;

namespace Robotics.Drivers.Tests;

public class MqttSecurityTests
{
    [Fact]
    public async Task TlsWithPrivateCaAndPassword_RobotAndDriverTalk_WrongCaOrPasswordIsRefused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var certs = new TestCertificates();
        string passwords = Path.Combine(certs.Dir, "passwd");
        var (code, _, err) = MqttCli.Run(ExternalTool.Require("mosquitto_passwd", "mosquitto"), ["-b", "-c", passwords, "robot", "s3cret"], TimeSpan.FromSeconds(10));
        Assert.True(code == 0, err);
        using var mosquitto = new MosquittoProcess(
            $"allow_anonymous false\npassword_file {passwords}\ncafile {certs.CaFile}\ncertfile {certs.CertFile}\nkeyfile {certs.KeyFile}");

        string secret = Path.Combine(certs.Dir, "robot.password"), wrong = Path.Combine(certs.Dir, "wrong.password");
        File.WriteAllText(secret, "s3cret\n");
        File.WriteAllText(wrong, "wrong\n");
        string uri = $"mqtts://robot@127.0.0.1:{mosquitto.Port}/sec?ca={certs.CaFile}&password_file={secret}";
        var parsed = RobotUri.ParseMqtt(uri);
        Assert.True(parsed.Connection.Tls.Enabled);
        var server = new MqttRobotServer(new MqttRobotServerOptions { RobotId = "sec", Connection = parsed.Connection with { Reconnect = RobotHost.QuickReconnect } },
            TimeProvider.System, new ListLogger());
        var robot = new VirtualRobot(Sim.Environments.EnvironmentRegistry.Create("pendulum"),
            new VirtualRobotOptions { EnvId = "pendulum", RobotId = "sec", Lockstep = true }, server, TimeProvider.System, new ListLogger());
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => robot.RunAsync(stop.Token));
        try
        {
            await using (var driver = RobotDriverFactory.Create(uri))
            {
                var spec = await driver.ConfigureAsync(cts.Token);
                await driver.ActivateAsync(cts.Token);
                var run = await TestLoop.RunEpisodeAsync(driver, spec, s => SwingUpController.Act(s.Obs), 20, cts.Token);
                Assert.Equal(20, run.States);
            }

            // The same broker with a wrong password, or without trusting its CA, never gets a session.
            foreach (var bad in new[]
                     {
                         $"mqtts://robot@127.0.0.1:{mosquitto.Port}/sec?ca={certs.CaFile}&password_file={wrong}",
                         $"mqtts://robot@127.0.0.1:{mosquitto.Port}/sec?password_file={secret}",
                     })
            {
                var o = RobotUri.ParseMqtt(bad);
                await using var driver = new MqttRobotDriver(o with { ConfigureTimeout = TimeSpan.FromSeconds(1) });
                var e = await Assert.ThrowsAsync<TimeoutException>(async () => await driver.ConfigureAsync(cts.Token));
                Assert.Contains("not reachable", e.Message);
            }
        }
        finally
        {
            stop.Cancel();
            await serving;
            await server.DisposeAsync();
        }
    }
}
