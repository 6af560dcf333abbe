using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Sim.Environments;
using Robotics.Sim.Serve;

namespace Robotics.Drivers.Tests;

/// <summary>The wire must not change what the robot sees or does: states over MQTT and serial equal in-process steps bit for bit.</summary>
public class TransportFidelityTests
{
    public static TheoryData<string> Envs() => [.. EnvironmentRegistry.Ids];

    [Theory]
    [MemberData(nameof(Envs))]
    public async Task Mqtt_StatesEqualInProcessStepping_BitForBit(string envId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions());
        var server = new MqttRobotServer(new MqttRobotServerOptions { RobotId = "f", Connection = new MqttConnectionOptions { Port = broker.Port } },
            TimeProvider.System, new ListLogger());
        await using var driver = new MqttRobotDriver(RobotUri.ParseMqtt($"mqtt://127.0.0.1:{broker.Port}/f"), TimeProvider.System, new ListLogger());
        await CompareAsync(envId, server, driver, cts.Token);
    }

    [Theory]
    [MemberData(nameof(Envs))]
    public async Task Serial_StatesEqualInProcessStepping_BitForBit(string envId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var pty = new SocatPtyPair();
        var server = new SerialRobotServer(new SerialLinkOptions { PortPath = pty.B }, TimeProvider.System, new ListLogger());
        await using var driver = new SerialRobotDriver(RobotUri.ParseSerial($"serial://{pty.A}"), TimeProvider.System, new ListLogger());
        await CompareAsync(envId, server, driver, cts.Token);
    }

    private static async Task CompareAsync(string envId, IRobotServerTransport server, IRobotDriver driver, CancellationToken ct)
    {
        const int seed = 17, steps = 30;
        var robot = new VirtualRobot(EnvironmentRegistry.Create(envId, seed),
            new VirtualRobotOptions { EnvId = envId, RobotId = "f", Lockstep = true, Seed = seed }, server, TimeProvider.System, new ListLogger());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = Task.Run(() => robot.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            var reference = EnvironmentRegistry.Create(envId, seed);
            var expected = new float[reference.ObservationSpace.Dimension];
            reference.Reset(seed, expected);
            var spec = await driver.ConfigureAsync(ct);
            Assert.Equal(reference.ActionSpace, spec.ActionSpace);
            await driver.ActivateAsync(ct);
            var rng = new Random(seed);
            var state = new StateBuffer(expected.Length);
            var command = new CommandBuffer(spec.ActionSpace.Dimension) { TtlMs = 500 };
            long last = long.MinValue;
            for (int i = 0; i <= steps; i++)
            {
                Assert.True(await driver.WaitForStateAsync(last, TimeSpan.FromSeconds(5), ct));
                Assert.True(driver.TryRead(state, last));
                last = state.Seq;
                Assert.Equal(expected, state.Obs); // exact: JSON floats round-trip, serial carries binary32
                for (int k = 0; k < command.Action.Length; k++)
                {
                    float lo = spec.ActionSpace.Low[k], hi = spec.ActionSpace.High[k];
                    command.Action[k] = lo + (float)rng.NextDouble() * (hi - lo);
                }
                command.Seq++;
                command.StateSeq = state.Seq;
                driver.Write(command);
                var r = reference.Step(command.Action, expected);
                if (r.Done) break; // a terminating task (cartpole) ends before the 30 steps; every state so far matched
            }
        }
        finally
        {
            await driver.ShutdownAsync(CancellationToken.None);
            stop.Cancel();
            await serving;
            await server.DisposeAsync();
        }
    }
}
