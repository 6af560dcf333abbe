using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Serial;

namespace Robotics.Drivers;

/// <summary>Creates the driver for an <c>mqtt://</c>, <c>mqtts://</c> or <c>serial://</c> address (see <see cref="RobotUri"/>).</summary>
public static class RobotDriverFactory
{
    /// <summary>True for the addresses this factory handles (not <c>sim:</c>, which the runtime owns).</summary>
    public static bool Handles(string uri) => RobotUri.IsMqtt(uri) || RobotUri.IsSerial(uri);

    /// <summary>Throws <see cref="FormatException"/> on a bad address.</summary>
    public static IRobotDriver Create(string uri, TimeProvider? time = null, ILogger? logger = null, EStopLatch? estop = null)
    {
        if (RobotUri.IsMqtt(uri)) return new MqttRobotDriver(RobotUri.ParseMqtt(uri), time, logger, estop);
        if (RobotUri.IsSerial(uri)) return new SerialRobotDriver(RobotUri.ParseSerial(uri), time, logger, estop);
        throw new FormatException($"'{RobotUri.Redact(uri)}': unsupported robot address (mqtt://HOST:PORT/ID, mqtts://..., serial:///dev/ttyX?baud=N)");
    }
}
