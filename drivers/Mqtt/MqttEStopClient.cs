using System.Buffers;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// The operator's side of the e-stop as a short-lived MQTT client (<c>robotics estop</c>): engage (any
/// role), the two reset steps (the broker passes them only from the operator role; a refusal is reported,
/// not swallowed), and the robot's retained status. Not real-time.
/// </summary>
public static class MqttEStopClient
{
    /// <summary>Publishes one e-stop action with QoS 1 and waits for the broker's answer; throws <see cref="InvalidOperationException"/> (one line) when refused.</summary>
    public static async Task SendAsync(MqttRobotDriverOptions o, EStopAction action, string reason, TimeSpan timeout, ILogger logger, CancellationToken ct)
    {
        await using var c = await ConnectAsync(o, null, timeout, logger, ct);
        var topics = o.Topics;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        if (action == EStopAction.Engage)
            Check(await c.PublishAsync(topics.EStop, EStopJson.Serialize(new EStopMessage(true, reason)), MqttQualityOfServiceLevel.AtLeastOnce, true, cts.Token), topics.EStop);
        else
        {
            Check(await c.PublishAsync(topics.EStopReset, EStopJson.SerializeReset(action, reason), MqttQualityOfServiceLevel.AtLeastOnce, false, cts.Token), topics.EStopReset);
            // After the re-arm, no retained engage may re-latch a robot or runtime that reconnects.
            if (action == EStopAction.ReArm)
                Check(await c.PublishAsync(topics.EStop, ReadOnlyMemory<byte>.Empty, MqttQualityOfServiceLevel.AtLeastOnce, true, cts.Token), topics.EStop);
        }
        await c.CloseAsync(null, CancellationToken.None);
    }

    /// <summary>The robot's retained status ("online", "estop", "offline"), or null when none arrived within the timeout.</summary>
    public static async Task<string?> ReadStatusAsync(MqttRobotDriverOptions o, TimeSpan timeout, ILogger logger, CancellationToken ct)
    {
        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        string topic = o.Topics.Status;
        await using var c = await ConnectAsync(o, m =>
        {
            if (m.Topic == topic) arrived.TrySetResult(System.Text.Encoding.UTF8.GetString(m.Payload.ToArray()));
        }, timeout, logger, ct, topic);
        try { return await arrived.Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { return null; }
        finally { await c.CloseAsync(null, CancellationToken.None); }
    }

    private static async Task<MqttConnection> ConnectAsync(MqttRobotDriverOptions o, Action<MqttApplicationMessage>? onMessage, TimeSpan timeout,
        ILogger logger, CancellationToken ct, string? subscribe = null)
    {
        var c = new MqttConnection(o.Connection, onMessage ?? (_ => { }), null, new DriverCounters(), TimeProvider.System, logger);
        if (subscribe is not null) c.Subscribe(subscribe, MqttQualityOfServiceLevel.AtLeastOnce);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try { await c.ConnectAsync(cts.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await c.DisposeAsync();
            throw new InvalidOperationException($"broker {o.Connection.Host}:{o.Connection.Port} not reachable, or it refused the credentials of '{o.Connection.Username ?? "(anonymous)"}', within {timeout.TotalSeconds:F0} s");
        }
        return c;
    }

    private static void Check(MqttClientPublishResult r, string topic)
    {
        if (r.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers) return;
        throw new InvalidOperationException($"the broker refused the publish on '{topic}' ({r.ReasonCode}){(r.ReasonCode == MqttClientPublishReasonCode.NotAuthorized ? ": this account lacks the role (a reset needs the operator role)" : "")}");
    }
}
