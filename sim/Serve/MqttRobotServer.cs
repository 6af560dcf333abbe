using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MQTTnet;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Mqtt;

namespace Robotics.Sim.Serve;

/// <summary>The robot side of one MQTT robot (same topics and QoS options as the runtime's driver).</summary>
public sealed record MqttRobotServerOptions
{
    public required string RobotId { get; init; }
    public MqttConnectionOptions Connection { get; init; } = new();
    public string TopicPrefix { get; init; } = "robots/{id}";
    public MqttQosOptions Qos { get; init; } = new();
    /// <summary>The session id every state carries (a new one per start, so the runtime sees a restart); null: the start time in ms.</summary>
    public uint? Session { get; init; }
    /// <summary>False plays an old robot whose states carry no session.</summary>
    public bool SendSession { get; init; } = true;

    public MqttRobotServerOptions Validate()
    {
        MqttTopics.ValidatePrefix(TopicPrefix);
        Connection.Validate();
        return this;
    }
}

/// <summary>
/// Publishes spec (retained), state and status (retained, last will "offline"); hears commands (with their
/// controller session), e-stop engages, the operator's reset steps on <c>estop/reset</c> (never a retained
/// one: a reset is an act, not a state) and the controller's clean shutdown. Malformed commands are counted and
/// ignored (the robot keeps its last command until its ttl); an unreadable e-stop or reset message engages.
/// </summary>
public sealed class MqttRobotServer : IRobotServerTransport
{
    private readonly MqttRobotServerOptions _options;
    private readonly MqttTopics _topics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _json;
    private MqttConnection? _connection;
    private MqttApplicationMessage? _stateMessage;
    private IRobotServerHandler? _handler;
    private CommandBuffer? _command;
    private byte[] _specPayload = [];
    private long? _session;
    private long _refusedReleases;

    public MqttRobotServer(MqttRobotServerOptions options, TimeProvider time, ILogger logger)
    {
        _options = options.Validate();
        _topics = MqttTopics.For(options.RobotId, options.TopicPrefix);
        _time = time;
        _logger = logger;
        _json = new Utf8JsonWriter(_buffer);
    }

    public DriverCounters Counters { get; } = new();
    public string Description => $"mqtt://{_options.Connection.Host}:{_options.Connection.Port} {_topics.Prefix}/*";

    public async Task StartAsync(RobotSpec spec, IRobotServerHandler handler, CancellationToken ct)
    {
        _handler = handler;
        _command = new CommandBuffer(spec.ActionSpace.Dimension);
        _session = _options.SendSession ? _options.Session ?? RobotSession.FromStartTime(_time) : null;
        _specPayload = SpecJson.Serialize(spec);
        _stateMessage = new MqttApplicationMessageBuilder().WithTopic(_topics.State).WithQualityOfServiceLevel(_options.Qos.State).Build();
        var connection = _options.Connection with { Will = new MqttWill(_topics.Status, "offline") };
        _connection = new MqttConnection(connection, OnMessage, AnnounceAsync, Counters, _time, _logger);
        _connection.Subscribe(_topics.Command, _options.Qos.Command);
        _connection.Subscribe(_topics.EStop, _options.Qos.EStop);
        _connection.Subscribe(_topics.EStopReset, _options.Qos.EStop);
        _connection.Subscribe(_topics.ControllerStatus, _options.Qos.Status);
        await _connection.ConnectAsync(ct);
    }

    public async ValueTask PublishStateAsync(StateBuffer state, CancellationToken ct)
    {
        if (_connection is not { IsConnected: true }) return;
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        StateJson.Write(_json, state, _session);
        _json.Flush();
        _stateMessage!.Payload = new ReadOnlySequence<byte>(_buffer.WrittenMemory);
        try { await _connection.PublishAsync(_stateMessage, ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _logger.LogDebug("virtual robot: state {Seq} not published: {Error}", state.Seq, e.Message);
        }
    }

    public async ValueTask PublishStatusAsync(bool estopEngaged, CancellationToken ct)
    {
        if (_connection is not { IsConnected: true }) return;
        try { await PublishStatusAsync(_connection, estopEngaged, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("virtual robot: status not published: {Error}", e.Message); }
    }

    public async ValueTask PublishEStopAsync(string reason, CancellationToken ct)
    {
        if (_connection is not { IsConnected: true }) return;
        await _connection.PublishAsync(_topics.EStop, EStopJson.Serialize(new EStopMessage(true, reason)), _options.Qos.EStop, true, ct);
    }

    public async ValueTask ClearEStopAsync(CancellationToken ct)
    {
        if (_connection is not { IsConnected: true }) return;
        try { await _connection.PublishAsync(_topics.EStop, ReadOnlyMemory<byte>.Empty, _options.Qos.EStop, true, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("virtual robot: retained e-stop not cleared: {Error}", e.Message); }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_connection is null) return;
        await _connection.CloseAsync((c, token) => c.PublishAsync(_topics.Status, "offline"u8.ToArray(), _options.Qos.Status, true, token), ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _json.Dispose();
    }

    /// <summary>After every (re)connect: the retained spec and status.</summary>
    private async Task AnnounceAsync(MqttConnection c, CancellationToken ct)
    {
        await c.PublishAsync(_topics.Spec, _specPayload, _options.Qos.Spec, true, ct);
        await AnnounceStatusAsync(c, ct);
    }

    private Task AnnounceStatusAsync(MqttConnection c, CancellationToken ct) => PublishStatusAsync(c, _handler!.EStopEngaged, ct);

    private Task PublishStatusAsync(MqttConnection c, bool estop, CancellationToken ct) =>
        c.PublishAsync(_topics.Status, estop ? "estop"u8.ToArray() : "online"u8.ToArray(), _options.Qos.Status, true, ct);

    private void OnMessage(MqttApplicationMessage m)
    {
        if (m.Topic == _topics.Command)
        {
            if (CommandJson.TryParse(m.Payload, _command!, out ulong session)) _handler!.OnCommand(_command!, session);
            else
            {
                long n = Counters.RecordCommandRejected();
                if (n <= 10 || n % 100 == 0) _logger.LogWarning("virtual robot: malformed command ignored ({Count} so far)", n);
            }
        }
        else if (m.Topic == _topics.EStop && m.Payload.Length > 0)
        {
            Counters.RecordEStopMessage();
            if (!EStopJson.TryParse(m.Payload, out var e)) _handler!.OnEStop(EStopAction.Engage, "unreadable e-stop message");
            else if (e.Engage) _handler!.OnEStop(EStopAction.Engage, e.Reason);
            else
            {
                // Anyone may write this topic: a release is the operator's two steps on estop/reset.
                long n = Interlocked.Increment(ref _refusedReleases);
                Counters.RecordEStopRefused();
                if (n <= 3 || n % 100 == 0) _logger.LogWarning("virtual robot: \"engage\":false on '{Topic}' ignored; release on '{Reset}'", _topics.EStop, _topics.EStopReset);
            }
        }
        else if (m.Topic == _topics.EStopReset)
        {
            Counters.RecordEStopMessage();
            if (m.Retain || m.Payload.Length == 0) { Counters.RecordEStopRefused(); return; }
            if (EStopJson.TryParseReset(m.Payload, out var step, out string reason)) _handler!.OnEStop(step, reason);
            else _handler!.OnEStop(EStopAction.Engage, "unreadable e-stop reset message");
        }
        else if (m.Topic == _topics.ControllerStatus && m.Payload.Length > 0 && !m.Retain)
        {
            var text = m.Payload.IsSingleSegment ? m.Payload.FirstSpan : m.Payload.ToArray();
            if (text.SequenceEqual("offline"u8)) _handler!.OnControllerOffline();
        }
    }
}
