using Microsoft.Extensions.Logging;
using Robotics.Core.Episodes;
using Robotics.Core.Robots;
using Robotics.Drivers;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Robots;

/// <summary>
/// The one place robot addresses become drivers: <c>sim:ENV</c> is the in-process simulator (lock-step,
/// seeded); <c>mqtt://</c>, <c>mqtts://</c> and <c>serial://</c> go to the drivers' factory.
/// Throws <see cref="FormatException"/> with a one-line reason for anything else.
/// </summary>
public static class RobotConnector
{
    public const string SimScheme = "sim:";

    public static bool IsSim(string uri) => uri.StartsWith(SimScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for addresses of hardware (MQTT or serial robots): ungated commands there need an explicit flag.</summary>
    public static bool IsHardware(string uri) => RobotDriverFactory.Handles(uri);

    /// <summary>Where recorded data from this address is marked as coming from.</summary>
    public static DataSource SourceOf(string uri) => IsSim(uri) ? DataSource.Sim : DataSource.Real;

    /// <summary>Not real-time. Creates (does not configure) the driver for <paramref name="uri"/>.</summary>
    public static IRobotDriver Connect(string uri, int seed, TimeProvider time, ILogger logger, EStopLatch? estop = null)
    {
        if (IsSim(uri))
        {
            string env = uri[SimScheme.Length..];
            if (!EnvironmentRegistry.Exists(env))
                throw new FormatException($"'{uri}': unknown simulated robot '{env}' (known: {string.Join(", ", EnvironmentRegistry.Ids.Select(i => SimScheme + i))})");
            return new SimDriver(EnvironmentRegistry.Create(env, seed), "sim-" + env, time, SimDriver.SequentialSeeds(seed));
        }
        if (RobotDriverFactory.Handles(uri)) return RobotDriverFactory.Create(uri, time, logger, estop);
        throw new FormatException($"'{uri}' is not a robot address (sim:ENV, mqtt://HOST:PORT/ID, serial:///dev/ttyX?baud=N)");
    }
}

/// <summary>Creates (does not configure) the driver for a robot address; <see cref="RobotConnector.Connect"/> or a test's fake.</summary>
public delegate IRobotDriver RobotConnect(string uri, int seed, TimeProvider time, ILogger logger, EStopLatch estop);
