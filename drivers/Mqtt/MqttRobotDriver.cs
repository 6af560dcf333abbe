using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// A robot behind an MQTT broker (protocol in docs/PROTOCOL.md). States are parsed on MQTTnet's receive
/// loop straight into a preallocated buffer and validated (malformed, wrong length, non-finite and
/// out-of-order states are rejected, logged and counted, never readable). Commands are serialised by
/// <see cref="Write"/> into a reused buffer and handed to a sender thread through a lock-free latest-wins
/// mailbox, so the loop never waits on the network nor on the sender. Broker outages are ridden out by
/// <see cref="MqttConnection"/>'s reconnect pipeline; commands issued while disconnected are dropped (the
/// robot falls back to its safe action on ttl).
/// An e-stop message on the topic engages the shared <see cref="EStopLatch"/>, and so does the robot's status
/// turning to "estop"; the two steps of a reset (release, re-arm) come only on <c>estop/reset</c>, which the
/// broker's ACL leaves to the operator role. Every command carries this driver's random controller session,
/// the robot's lease (docs/PROTOCOL.md).
/// </summary>
public sealed class MqttRobotDriver : IRobotDriver, IDriverDiagnostics
{
    private readonly MqttRobotDriverOptions _options;
    private readonly MqttTopics _topics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EStopLatch? _estop;
    private readonly MqttConnection _connection;
    private readonly TaskCompletionSource<RobotSpec> _specArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Receive side: written only on MQTTnet's receive loop.
    private RobotSpec? _spec;
    private LatestState? _latest;
    private StateBuffer? _staging;
    private StateSequencer? _sequencer;

    // Command side: Write (the loop's thread) serialises into the mailbox's producer slot and publishes it;
    // the sender thread takes the newest. _json and _outgoing belong to Write.
    private readonly LatestWinsMailbox<PendingCommand> _commands = new(static () => new PendingCommand());
    private readonly Utf8JsonWriter _json = new(new ArrayBufferWriter<byte>(1));
    private CommandBuffer? _outgoing;
    private readonly MqttApplicationMessage _commandMessage;
    private CancellationTokenSource? _senderStop;
    private Thread? _sender;
    private volatile bool _active;
    private volatile bool _robotOnline;
    private bool _commanded;   // a command was written since ActivateAsync
    private volatile bool _publishing; // the sender is inside a publish (Deactivate lets it finish)
    private bool _shutdown;

    public MqttRobotDriver(MqttRobotDriverOptions options, TimeProvider? time = null, ILogger? logger = null, EStopLatch? estop = null)
    {
        _options = options.Validate();
        _topics = options.Topics;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _estop = estop;
        var connection = options.Connection with
        {
            Will = new MqttWill(_topics.ControllerStatus, "offline"),
        };
        _connection = new MqttConnection(connection, OnMessage, PublishOnlineAsync, Counters, _time, _logger);
        _connection.Subscribe(_topics.Spec, options.Qos.Spec);
        _connection.Subscribe(_topics.State, options.Qos.State);
        _connection.Subscribe(_topics.Status, options.Qos.Status);
        _connection.Subscribe(_topics.EStop, options.Qos.EStop);
        _connection.Subscribe(_topics.EStopReset, options.Qos.EStop);
        _commandMessage = new MqttApplicationMessageBuilder().WithTopic(_topics.Command)
            .WithQualityOfServiceLevel(options.Qos.Command).WithRetainFlag(false).Build();
    }

    public DriverCounters Counters { get; } = new();
    /// <summary>This driver's controller session (random, non-zero), carried by every command.</summary>
    public ulong ControllerSession { get; } = NewSession();
    public MqttTopics Topics => _topics;
    /// <summary>The robot's retained status says "online" or "estop" (false after its last will fired).</summary>
    public bool RobotOnline => _robotOnline;
    public bool IsConnected => _connection.IsConnected;
    /// <summary>The spec learnt in Configure; null before.</summary>
    public RobotSpec? Spec => _spec;

    public async ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConfigureTimeout);
        try
        {
            await _connection.ConnectAsync(timeout.Token);
            while (!_specArrived.Task.IsCompleted)
            {
                try { await _specArrived.Task.WaitAsync(TimeSpan.FromSeconds(1), _time, timeout.Token); }
                catch (TimeoutException)
                {
                    // No retained spec yet: ask again (covers a retained publish racing our first subscribe).
                    if (_connection.IsConnected)
                        try { await _connection.ResubscribeAsync(_topics.Spec, _options.Qos.Spec, timeout.Token); }
                        catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("mqtt driver: resubscribe failed: {Error}", e.Message); }
                }
            }
            var spec = await _specArrived.Task;
            _logger.LogInformation("mqtt driver: robot '{Id}' ({Env}) obs {Obs}, act {Act}, period {Period} ms",
                spec.Id, spec.EnvId, spec.ObservationSpace.Dimension, spec.ActionSpace.Dimension, spec.ControlPeriod.TotalMilliseconds);
            return spec;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            string what = _connection.IsConnected
                ? $"no retained spec on '{_topics.Spec}' (is the robot running?)"
                : $"broker {_options.Connection.Host}:{_options.Connection.Port} not reachable";
            throw new TimeoutException($"mqtt driver: {what} within {_options.ConfigureTimeout.TotalSeconds:F0} s");
        }
    }

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        if (_spec is null) throw new InvalidOperationException("mqtt driver: Activate before Configure");
        if (_active) return ValueTask.CompletedTask;
        // The mailbox has one consumer: a sender that outlived Deactivate's join must not get a twin.
        if (_sender is { IsAlive: true }) throw new InvalidOperationException("mqtt driver: the previous sender thread is still stuck in a publish");
        _senderStop = new CancellationTokenSource();
        var stop = _senderStop.Token;
        _sender = new Thread(() => SendLoop(stop)) { IsBackground = true, Name = "mqtt-send " + _topics.Prefix, Priority = ThreadPriority.AboveNormal };
        _sender.Start();
        _commanded = false;
        _active = true;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DeactivateAsync(CancellationToken ct)
    {
        if (!_active) return;
        _active = false;
        // The last command written (on a safe stop: the session's safe action) goes out before the sender stops,
        // so the robot gets it even when the final publish below fails; bounded, a dead link does not hold us.
        await DrainSenderAsync(maxWaits: 250);
        _senderStop!.Cancel();
        _commands.Wake(); // the sender waits without the token (no registration to allocate)
        await Task.Run(() => _sender!.Join(TimeSpan.FromSeconds(5)), ct);
        _senderStop.Dispose();
        if (_commanded) await SendSafeActionAsync(ct);
    }

    // Counted waits of >= 1 ms, not the injected clock: a test's fake time must not make this spin forever.
    private async Task DrainSenderAsync(int maxWaits)
    {
        for (int i = 0; i < maxWaits && (_commands.HasFresh || _publishing) && _connection.IsConnected && _sender is { IsAlive: true }; i++)
            await Task.Delay(1);
    }

    /// <summary>
    /// Not real-time. The last command of an activation, published after the sender has stopped so nothing can
    /// follow it: the robot's safe action ("fallback"), answering the newest state. Bounded to one second; a
    /// broker that is down loses it (the robot falls back to its safe action on ttl anyway).
    /// </summary>
    private async Task SendSafeActionAsync(CancellationToken ct)
    {
        var spec = _spec!;
        var state = new StateBuffer(spec.ObservationSpace.Dimension);
        var safe = new CommandBuffer(spec.ActionSpace.Dimension) { Seq = _outgoing!.Seq + 1, Safety = SafetyDecision.Fallback };
        spec.SafeAction.AsSpan().CopyTo(safe.Action);
        var o = new CommandBuffer(safe.Action.Length);
        OutgoingCommand.Prepare(safe, o, spec, _options.CommandTtl);
        // _outgoing already holds the robot's numbering; a state read here holds the loop's.
        o.StateSeq = _latest!.TryRead(state, long.MinValue) ? _sequencer!.ToRobotSeq(state.Seq) : _outgoing.StateSeq;
        var buffer = new ArrayBufferWriter<byte>(256);
        // With this driver's session: the robot's lease drops commands from any other (docs/PROTOCOL.md).
        using (var json = new Utf8JsonWriter(buffer)) CommandJson.Write(json, o, ControllerSession);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            if (!_connection.IsConnected) throw new InvalidOperationException("not connected");
            await _connection.PublishAsync(_topics.Command, buffer.WrittenMemory, _options.Qos.Command, false, bounded.Token);
            Counters.Inc(ref Counters._commandsSent);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Counters.Inc(ref Counters._commandsDropped);
            _logger.LogWarning("mqtt driver: safe action on deactivate not sent: {Error}", e.Message);
        }
    }

    public async ValueTask ShutdownAsync(CancellationToken ct)
    {
        if (_shutdown) return;
        _shutdown = true;
        await DeactivateAsync(ct);
        await _connection.CloseAsync((c, token) => c.PublishAsync(_topics.ControllerStatus, "offline"u8.ToArray(), _options.Qos.Status, true, token), ct);
        _specArrived.TrySetCanceled(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(CancellationToken.None);
        await _connection.DisposeAsync();
        _json.Dispose();
    }

    /// <summary>Real-time, non-blocking, allocation-free.</summary>
    public bool TryRead(StateBuffer state, long afterSeq) => _latest is { } l && l.TryRead(state, afterSeq);

    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
        _latest is { } l ? l.WaitAsync(afterSeq, timeout, _time, ct)
                         : throw new InvalidOperationException("mqtt driver: WaitForState before Configure");

    /// <summary>
    /// Real-time, non-blocking, lock-free, allocation-free: serialises the command into the mailbox's
    /// producer slot and publishes it (one interlocked exchange, then a wake-up that never waits for the
    /// sender). A newer command replaces one not yet sent. A non-finite action (which the gate should
    /// never let through) is replaced by the safe action and marked "fallback". Single caller: the
    /// control loop's thread, one Write at a time (the loop's contract; the mailbox has one producer).
    /// </summary>
    public void Write(CommandBuffer command)
    {
        if (!_active || _outgoing is null) return;
        var o = _outgoing;
        _commanded = true;
        OutgoingCommand.Prepare(command, o, _spec!, _options.CommandTtl);
        o.StateSeq = _sequencer!.ToRobotSeq(o.StateSeq);
        var slot = _commands.ProducerSlot;
        slot.Json.ResetWrittenCount();
        _json.Reset(slot.Json);
        CommandJson.Write(_json, o, ControllerSession);
        _json.Flush();
        slot.Timestamp = _time.GetTimestamp();
        slot.TtlMs = o.TtlMs;
        _commands.Publish();
    }

    /// <summary>Not real-time. Publishes an e-stop engage (retained, so late joiners see it). A release goes through <see cref="PublishEStopResetAsync"/>.</summary>
    public Task PublishEStopAsync(string reason, CancellationToken ct) =>
        _connection.PublishAsync(_topics.EStop, EStopJson.Serialize(new EStopMessage(true, reason)), _options.Qos.EStop, true, ct);

    /// <summary>
    /// Not real-time. One step of a reset (release, then re-arm) on <c>estop/reset</c>, never retained. The
    /// broker drops it unless this client has the operator role. A re-arm also clears the retained engage.
    /// </summary>
    public async Task PublishEStopResetAsync(EStopAction step, string reason, CancellationToken ct)
    {
        await _connection.PublishAsync(_topics.EStopReset, EStopJson.SerializeReset(step, reason), _options.Qos.EStop, false, ct);
        if (step == EStopAction.ReArm) await _connection.PublishAsync(_topics.EStop, ReadOnlyMemory<byte>.Empty, _options.Qos.EStop, true, ct);
    }

    private static ulong NewSession()
    {
        Span<byte> b = stackalloc byte[8];
        ulong v;
        do { System.Security.Cryptography.RandomNumberGenerator.Fill(b); v = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b); } while (v == 0);
        return v;
    }

    /// <summary>
    /// The sender thread (the mailbox's consumer): takes the newest command, publishes it and waits for the
    /// publish to finish (QoS 0: written to the socket), so the loop's thread never touches the network.
    /// Commands written meanwhile replace each other; the newest goes next.
    /// </summary>
    private void SendLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!_commands.TryTake(out var command))
            {
                // Deactivate cancels, then wakes us; the token is re-checked after the wait is armed.
                _commands.Wait(Timeout.InfiniteTimeSpan, static stop => stop.IsCancellationRequested, ct);
                continue;
            }
            if (!_connection.IsConnected || _time.GetElapsedTime(command.Timestamp).TotalMilliseconds > command.TtlMs)
            {
                Counters.Inc(ref Counters._commandsDropped);
                continue;
            }
            try
            {
                // The slot is ours until the next TryTake, i.e. until this publish has finished.
                _commandMessage.Payload = new ReadOnlySequence<byte>(command.Json.WrittenMemory);
                _publishing = true;
                _connection.PublishAsync(_commandMessage, ct).GetAwaiter().GetResult();
                Counters.Inc(ref Counters._commandsSent);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The link dropped mid-publish; the connection reconnects, the robot holds on ttl.
                Counters.Inc(ref Counters._commandsDropped);
                _logger.LogDebug("mqtt driver: command not sent: {Error}", e.Message);
            }
            finally { _publishing = false; }
        }
    }

    /// <summary>A mailbox slot: one serialised command and when it was written.</summary>
    private sealed class PendingCommand
    {
        public readonly ArrayBufferWriter<byte> Json = new(256);
        public long Timestamp;
        public int TtlMs;
    }

    private Task PublishOnlineAsync(MqttConnection c, CancellationToken ct) =>
        c.PublishAsync(_topics.ControllerStatus, "online"u8.ToArray(), _options.Qos.Status, true, ct);

    private void OnMessage(MqttApplicationMessage m)
    {
        string topic = m.Topic;
        if (topic == _topics.State) OnState(m.Payload);
        else if (topic == _topics.Spec) OnSpec(m.Payload);
        else if (topic == _topics.Status) OnStatus(m.Payload);
        else if (topic == _topics.EStop) OnEStop(m.Payload);
        else if (topic == _topics.EStopReset) OnEStopReset(m);
    }

    private void OnState(in ReadOnlySequence<byte> payload)
    {
        if (_latest is null || _staging is null) return; // before the spec: nothing to validate against
        var why = StateJson.Parse(payload, _staging, out long? session);
        if (why == StateRejection.None) why = StateValidator.Check(_staging);
        if (why != StateRejection.None)
        {
            Reject(why, payload);
            return;
        }
        var verdict = _sequencer!.Accept(_staging.Seq, session, out long loopSeq, out long epoch);
        if (verdict == SeqVerdict.Repeat) { Counters.Inc(ref Counters._statesRepeated); return; } // QoS 1 redelivery, idle republish
        if (verdict is SeqVerdict.OutOfOrder or SeqVerdict.TooFarAhead)
        {
            if (verdict == SeqVerdict.TooFarAhead) Counters.Inc(ref Counters._seqTooFarAhead);
            Reject(StateValidator.Of(verdict), payload);
            return;
        }
        if (verdict == SeqVerdict.Restarted)
        {
            Counters.Inc(ref Counters._robotRestarts);
            _logger.LogWarning("mqtt driver: robot restarted (state seq {Seq}, session {Session}); epoch {Epoch} starts at loop seq {LoopSeq}",
                _staging.Seq, session?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", epoch, loopSeq);
        }
        _staging.Seq = loopSeq;
        _staging.Epoch = epoch;
        _staging.ReceivedTimestamp = _time.GetTimestamp();
        _latest.Publish(_staging);
        Counters.Inc(ref Counters._statesAccepted);
    }

    private void Reject(StateRejection why, in ReadOnlySequence<byte> payload)
    {
        long n = Interlocked.Increment(ref Counters._statesRejected);
        // Log the first few and then every 100th, so a misbehaving robot cannot flood the log.
        if (n <= 10 || n % 100 == 0)
        {
            string text = Encoding.UTF8.GetString(payload.Length > 200 ? payload.Slice(0, 200) : payload);
            _logger.LogWarning("mqtt driver: state rejected ({Reason}, {Count} so far): {Payload}", why, n, text);
        }
    }

    private void OnSpec(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length == 0) return; // a cleared retained spec
        RobotSpec spec;
        try { spec = SpecJson.Parse(payload); }
        catch (FormatException e)
        {
            _logger.LogError("mqtt driver: unreadable spec on '{Topic}': {Error}", _topics.Spec, e.Message);
            return;
        }
        if (_spec is null)
        {
            _staging = new StateBuffer(spec.ObservationSpace.Dimension);
            _latest = new LatestState(spec.ObservationSpace.Dimension);
            _sequencer = new StateSequencer(spec.ControlPeriod, _time);
            _outgoing = new CommandBuffer(spec.ActionSpace.Dimension);
            _spec = spec;
            _specArrived.TrySetResult(spec);
        }
        else if (!spec.ObservationSpace.Equals(_spec.ObservationSpace) || !spec.ActionSpace.Equals(_spec.ActionSpace))
        {
            _logger.LogError("mqtt driver: robot '{Id}' republished a different spec; keeping the one configured (restart the runtime to adopt it)", spec.Id);
        }
    }

    private void OnStatus(in ReadOnlySequence<byte> payload)
    {
        // "online" or "estop" (online, stopped); "offline", empty or anything else counts as gone.
        var text = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        bool online = text.SequenceEqual("online"u8) || text.SequenceEqual("estop"u8);
        if (online != _robotOnline) _logger.LogInformation("mqtt driver: robot status {Status}", online ? "online" : "offline");
        _robotOnline = online;
        // The robot is the safety authority: its status "estop" latches the runtime too whenever the runtime
        // thinks the stop is over (released, or re-armed while the robot refused the re-arm). A latch already
        // engaged keeps its reason and its reset in progress.
        if (text.SequenceEqual("estop"u8) && _estop is { Stage: EStopStage.Released or EStopStage.ReArmed })
        {
            _logger.LogWarning("mqtt driver: robot reports its e-stop engaged; latching");
            _estop.Engage("robot reports e-stop");
        }
    }

    private void OnEStop(in ReadOnlySequence<byte> payload)
    {
        Counters.Inc(ref Counters._estopMessages);
        if (payload.Length == 0) return; // a cleared retained message is neither engage nor release
        if (!EStopJson.TryParse(payload, out var m))
        {
            // Fail safe: something meant to stop the robot that we cannot read still stops it.
            m = new EStopMessage(true, "unreadable e-stop message");
        }
        if (m.Engage)
        {
            _logger.LogWarning("mqtt driver: e-stop engaged: {Reason}", m.Reason);
            _estop?.Engage(m.Reason);
        }
        else
        {
            // Anyone may write this topic; a release is the operator's two steps on estop/reset.
            long n = Interlocked.Increment(ref Counters._estopRefused);
            if (n <= 10 || n % 100 == 0) _logger.LogWarning("mqtt driver: \"engage\":false on '{Topic}' ignored ({Count} so far); release on '{Reset}'", _topics.EStop, n, _topics.EStopReset);
        }
    }

    private void OnEStopReset(MqttApplicationMessage m)
    {
        Counters.Inc(ref Counters._estopMessages);
        // A retained reset would replay on every reconnect; a reset is an act, not a state.
        if (m.Retain || m.Payload.Length == 0) { Interlocked.Increment(ref Counters._estopRefused); return; }
        if (!EStopJson.TryParseReset(m.Payload, out var step, out string reason))
        {
            _logger.LogWarning("mqtt driver: unreadable message on '{Topic}'; engaging (fail safe)", _topics.EStopReset);
            _estop?.Engage("unreadable e-stop reset message");
            return;
        }
        EStopReset.Apply(_estop, step, reason, _time, _logger, Counters, "mqtt driver");
    }
}
