using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Robotics.Drivers.Serial;

namespace Robotics.Drivers.Tests;

public class RobotUriTests
{
    [Fact]
    public void Mqtt_ParsesHostPortIdAndOptions()
    {
        string secret = Path.GetTempFileName();
        File.WriteAllText(secret, "s@cret\n");
        var o = RobotUri.ParseMqtt($"mqtts://alice@10.1.2.3:1884/r1?prefix=lab/{{id}}&qos=1&ttl_ms=150&v=3.1.1&password_file={secret}&max_packet=4096");
        File.Delete(secret);
        Assert.Equal(("10.1.2.3", 1884, "alice", 4096), (o.Connection.Host, o.Connection.Port, o.Connection.Username, o.Connection.MaxPacketSize));
        Assert.True(o.Connection.Password!.AppearsIn("s@cret"));
        Assert.Equal("***", o.Connection.Password.ToString());
        Assert.DoesNotContain("s@cret", o.ToString()); // options records print the secret as ***
        Assert.Equal("r1", o.RobotId);
        Assert.Equal("lab/r1/state", o.Topics.State);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, o.Qos.Command);
        Assert.Equal(TimeSpan.FromMilliseconds(150), o.CommandTtl);
        Assert.Equal(MqttProtocolVersion.V311, o.Connection.ProtocolVersion);
        Assert.True(o.Connection.Tls.Enabled);
    }

    [Fact]
    public void Mqtt_PasswordInTheAddress_IsRefusedWithoutEchoingIt()
    {
        var e = Assert.Throws<FormatException>(() => RobotUri.ParseMqtt("mqtt://alice:hunter2-secret@10.1.2.3/r1?qos=9"));
        Assert.Contains("password_file", e.Message);
        Assert.DoesNotContain("hunter2-secret", e.Message);
        Assert.Contains("alice:***@", e.Message);
    }

    [Fact]
    public void Mqtt_PasswordOverPlaintext_IsRefusedOffLoopback_UnlessTheLabFlagIsGiven()
    {
        string secret = Path.GetTempFileName();
        File.WriteAllText(secret, "pw");
        try
        {
            var e = Assert.Throws<FormatException>(() => RobotUri.ParseMqtt($"mqtt://alice@10.1.2.3/r1?password_file={secret}"));
            Assert.Contains("without TLS", e.Message);
            Assert.True(RobotUri.ParseMqtt($"mqtt://alice@10.1.2.3/r1?password_file={secret}&plaintext_password=allow").Connection.AllowPlaintextPassword);
            Assert.NotNull(RobotUri.ParseMqtt($"mqtt://alice@127.0.0.1/r1?password_file={secret}").Connection.Password);
        }
        finally { File.Delete(secret); }
    }

    [Fact]
    public void Mqtt_DefaultsPortAndTopics_AndMqttsMeansTls()
    {
        var o = RobotUri.ParseMqtt("mqtt://broker.local/arm");
        Assert.Equal((1883, "robots/arm/command"), (o.Connection.Port, o.Topics.Command));
        var t = RobotUri.ParseMqtt("mqtts://broker.local/arm?insecure=true");
        Assert.Equal((8883, true, true), (t.Connection.Port, t.Connection.Tls.Enabled, t.Connection.Tls.AllowUntrustedCertificates));
    }

    [Fact]
    public void Serial_ParsesDeviceAndBaud()
    {
        var o = RobotUri.ParseSerial("serial:///dev/ttyUSB0?baud=921600&io=serialport&heartbeat_ms=50");
        Assert.Equal(("/dev/ttyUSB0", 921600, SerialIo.SerialPort), (o.Link.PortPath, o.Link.Baud, o.Link.Io));
        Assert.Equal(TimeSpan.FromMilliseconds(50), o.Link.HeartbeatPeriod);
        Assert.Equal(115200, RobotUri.ParseSerial("serial:///dev/ttyACM0").Link.Baud);
    }

    [Theory]
    [InlineData("mqtt://host:1883/", "robot id is missing")]
    [InlineData("mqtt://host:1883/a/b", "must not contain '/'")]
    [InlineData("mqtt://host/r1?qos=3", "qos must be 0, 1 or 2")]
    [InlineData("mqtt://host/r1?color=red", "unknown parameter 'color'")]
    [InlineData("serial:///dev/ttyUSB0?baud=12345", "baud 12345")]
    [InlineData("serial://", "device path is missing")]
    [InlineData("tcp://host/r1", "unsupported robot address")]
    public void BadAddresses_FailWithAOneLineReason(string uri, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => RobotDriverFactory.Create(uri));
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
