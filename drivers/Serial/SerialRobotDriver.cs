using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Serial;

/// <summary>
/// A robot on a serial line (protocol in docs/PROTOCOL.md). Frames are decoded on the link's reader
/// thread straight into a preallocated buffer; bad frames are dropped and counted by the decoder, bad
/// states (wrong length, non-finite, out of order) rejected, logged and counted here. Write encodes the
/// command and posts it to the link's lock-free latest-wins mailbox; the link's writer thread puts it on
/// the wire, so the loop never waits on the device nor on the writer. A state's Seq is the robot's 32-bit state_seq, unwrapped to 64 bits.
/// </summary>
public sealed class SerialRobotDriver : IRobotDriver, IDriverDiagnostics
{
    private readonly SerialRobotDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EStopLatch? _estop;
    private readonly SerialLink _link;
    private readonly TaskCompletionSource<RobotSpec> _specArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RobotSpec? _spec;
    private LatestState? _latest;
    private StateBuffer? _staging;
    private CommandBuffer? _outgoing;
    private SequenceUnwrapper _seq;
    private StateSequencer? _sequencer;
    private long? _wireSession;
    private volatile bool _active;
    private volatile LinkStatus _robotStatus = LinkStatus.Offline;
    private bool _shutdown;

    public SerialRobotDriver(SerialRobotDriverOptions options, TimeProvider? time = null, ILogger? logger = null, EStopLatch? estop = null)
        : this(options, time, logger, estop, null) { }

    /// <summary>As the public constructor; <paramref name="openTransport"/> replaces the real device (tests' fakes).</summary>
    internal SerialRobotDriver(SerialRobotDriverOptions options, TimeProvider? time, ILogger? logger, EStopLatch? estop,
        Func<SerialLinkOptions, ISerialTransport>? openTransport)
    {
        _options = options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _estop = estop;
        _link = new SerialLink(options.Link, OnFrame, Counters, _time, _logger, openTransport);
    }

    public DriverCounters Counters { get; } = new();
    public RobotSpec? Spec => _spec;
    /// <summary>The status in the robot's last heartbeat (Offline when none arrived for three periods).</summary>
    public LinkStatus RobotStatus => _link.PeerAlive ? _robotStatus : LinkStatus.Offline;
    public bool IsOpen => _link.IsOpen;

    public async ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConfigureTimeout);
        try
        {
            await _link.OpenAsync(timeout.Token);
            // Ask until the robot answers: it may still be booting, or our first request met line noise.
            while (true)
            {
                _link.PostControl(Serial.FrameType.SpecRequest, []);
                var done = await Task.WhenAny(_specArrived.Task, Task.Delay(TimeSpan.FromMilliseconds(250), _time, timeout.Token));
                if (done == _specArrived.Task) break;
                await done; // throws when the timeout fired
            }
            var spec = await _specArrived.Task;
            _logger.LogInformation("serial driver: robot '{Id}' ({Env}) on {Port}", spec.Id, spec.EnvId, _link.Description);
            return spec;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            string what = _link.IsOpen ? "no spec frame from the robot" : $"cannot open {_options.Link.PortPath}";
            throw new TimeoutException($"serial driver: {what} within {_options.ConfigureTimeout.TotalSeconds:F0} s");
        }
    }

    public ValueTask ActivateAsync(CancellationToken ct)
    {
        if (_spec is null) throw new InvalidOperationException("serial driver: Activate before Configure");
        _active = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Not real-time. The last command of an activation is the robot's safe action ("fallback", answering the
    /// newest state), handed to the writer thread, which gets up to 200 ms to put it on the wire.
    /// </summary>
    public async ValueTask DeactivateAsync(CancellationToken ct)
    {
        if (!_active) return;
        if (_outgoing is { Seq: > 0 } last && _spec is { } spec && _link.IsOpen)
        {
            var safe = new CommandBuffer(spec.ActionSpace.Dimension) { Seq = last.Seq + 1, StateSeq = last.StateSeq, Safety = SafetyDecision.Fallback };
            spec.SafeAction.AsSpan().CopyTo(safe.Action);
            var state = new StateBuffer(spec.ObservationSpace.Dimension);
            bool read = _latest!.TryRead(state, long.MinValue);
            byte[] payload = new byte[SerialPayloads.CommandLength(safe.Action.Length)];
            var o = new CommandBuffer(safe.Action.Length);
            OutgoingCommand.Prepare(safe, o, spec, _options.CommandTtl);
            // last already holds the robot's numbering; a state read here holds the loop's.
            o.StateSeq = read ? _sequencer!.ToRobotSeq(state.Seq) : last.StateSeq;
            SerialPayloads.WriteCommand(payload, o);
            _active = false;   // no Write after this one
            _link.PostLatest(Serial.FrameType.Command, payload, o.TtlMs);
            for (int i = 0; i < 200 && _link.LatestPending; i++) await Task.Delay(1, ct);
        }
        _active = false;
    }

    public ValueTask ShutdownAsync(CancellationToken ct)
    {
        if (_shutdown) return ValueTask.CompletedTask;
        _shutdown = true;
        _active = false;
        _link.Close();
        _specArrived.TrySetCanceled(CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(CancellationToken.None);
        _link.Dispose();
    }

    /// <summary>Real-time, non-blocking, allocation-free.</summary>
    public bool TryRead(StateBuffer state, long afterSeq) => _latest is { } l && l.TryRead(state, afterSeq);

    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) =>
        _latest is { } l ? l.WaitAsync(afterSeq, timeout, _time, ct)
                         : throw new InvalidOperationException("serial driver: WaitForState before Configure");

    /// <summary>
    /// Real-time, non-blocking, lock-free, allocation-free. A non-finite action (which the gate should
    /// never let through) is replaced by the safe action and marked "fallback". Single caller: the control
    /// loop's thread, one Write at a time (the loop's contract). <c>_outgoing</c> and the link's latest-frame
    /// producer side are this method's alone, so nothing here takes a lock.
    /// </summary>
    public void Write(CommandBuffer command)
    {
        if (!_active || _outgoing is null) return;
        Span<byte> payload = stackalloc byte[SerialPayloads.CommandLength(_outgoing.Action.Length)];
        var o = _outgoing;
        OutgoingCommand.Prepare(command, o, _spec!, _options.CommandTtl);
        o.StateSeq = _sequencer!.ToRobotSeq(o.StateSeq);
        SerialPayloads.WriteCommand(payload, o);
        _link.PostLatest(Serial.FrameType.Command, payload, o.TtlMs);
    }

    /// <summary>
    /// Not real-time. Sends an e-stop engage, or one step of a reset (release, then re-arm), to the robot; a
    /// reset step applies to the runtime's own latch too (the serial link is point to point: whoever holds
    /// the runtime's end is the operator at the machine).
    /// </summary>
    public void SendEStop(EStopAction action, string reason)
    {
        Span<byte> payload = stackalloc byte[256];
        int n = SerialPayloads.WriteEStop(payload, action, reason);
        if (!_link.PostControl(Serial.FrameType.EStop, payload[..n]))
            _logger.LogError("serial driver: control queue full; e-stop frame not queued");
        if (action != EStopAction.Engage) EStopReset.Apply(_estop, action, reason, _time, _logger, Counters, "serial driver");
    }

    private void OnFrame(FrameType type, uint seq, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case Serial.FrameType.State: OnState(payload); break;
            case Serial.FrameType.Spec: OnSpec(payload); break;
            case Serial.FrameType.Heartbeat:
                if (payload.Length == 1 && payload[0] <= (byte)LinkStatus.Offline)
                {
                    var status = (LinkStatus)payload[0];
                    // The robot is the safety authority: its heartbeat turning to "e-stop engaged" latches us
                    // (on the change only, so a heartbeat sent just before a re-arm cannot re-latch after it).
                    if (status == LinkStatus.EStopEngaged && _robotStatus != LinkStatus.EStopEngaged)
                    {
                        _logger.LogWarning("serial driver: robot reports its e-stop engaged; latching");
                        _estop?.Engage("robot reports e-stop");
                    }
                    _robotStatus = status;
                }
                else Counters.Inc(ref Counters._framesDropped);
                break;
            case Serial.FrameType.EStop: OnEStop(payload); break;
            default: break;
        }
    }

    private void OnState(ReadOnlySpan<byte> payload)
    {
        if (_latest is null || _staging is null) return;
        var why = SerialPayloads.ReadState(payload, _staging, out uint wireSeq, out long? session);
        long seq = 0;
        if (why == StateRejection.None)
        {
            // A new session restarts the count: unwrap its 32-bit seqs afresh.
            if (session is { } s && _wireSession is { } held && s != held) _seq = default;
            if (session.HasValue) _wireSession = session;
            seq = _seq.Unwrap(wireSeq);
            why = StateValidator.Check(_staging);
        }
        var verdict = SeqVerdict.Accepted;
        long loopSeq = 0, epoch = 0;
        if (why == StateRejection.None)
        {
            verdict = _sequencer!.Accept(seq, session, out loopSeq, out epoch);
            if (verdict == SeqVerdict.Repeat) { Counters.Inc(ref Counters._statesRepeated); return; } // a repeat of the state we hold
            if (verdict == SeqVerdict.TooFarAhead) Counters.Inc(ref Counters._seqTooFarAhead);
            why = StateValidator.Of(verdict);
        }
        if (why != StateRejection.None)
        {
            long n = Interlocked.Increment(ref Counters._statesRejected);
            if (n <= 10 || n % 100 == 0)
                _logger.LogWarning("serial driver: state {Seq} rejected ({Reason}, {Count} so far, {Bytes} payload bytes)", seq, why, n, payload.Length);
            return;
        }
        if (verdict == SeqVerdict.Restarted)
        {
            Counters.Inc(ref Counters._robotRestarts);
            _logger.LogWarning("serial driver: robot restarted (state seq {Seq}); epoch {Epoch} starts at loop seq {LoopSeq}", seq, epoch, loopSeq);
        }
        _staging.Seq = loopSeq;
        _staging.Epoch = epoch;
        _staging.ReceivedTimestamp = _time.GetTimestamp();
        _latest.Publish(_staging);
        Counters.Inc(ref Counters._statesAccepted);
    }

    private void OnSpec(ReadOnlySpan<byte> payload)
    {
        RobotSpec spec;
        try { spec = SerialPayloads.ReadSpec(payload); }
        catch (FormatException e)
        {
            Counters.Inc(ref Counters._framesDropped);
            _logger.LogError("serial driver: unreadable spec frame: {Error}", e.Message);
            return;
        }
        if (_spec is not null) return;
        _staging = new StateBuffer(spec.ObservationSpace.Dimension);
        _latest = new LatestState(spec.ObservationSpace.Dimension);
        _sequencer = new StateSequencer(spec.ControlPeriod, _time);
        _outgoing = new CommandBuffer(spec.ActionSpace.Dimension);
        _spec = spec;
        _specArrived.TrySetResult(spec);
    }

    private void OnEStop(ReadOnlySpan<byte> payload)
    {
        Counters.Inc(ref Counters._estopMessages);
        if (!SerialPayloads.ReadEStop(payload, out var action, out string reason))
        {
            action = EStopAction.Engage; // fail safe
            reason = "unreadable e-stop frame";
        }
        if (action == EStopAction.Engage)
        {
            _logger.LogWarning("serial driver: e-stop engaged by the robot: {Reason}", reason);
            _estop?.Engage(reason);
        }
        else
        {
            // The robot's local reset (its key switch) released the robot; the runtime's latch still needs
            // the operator's reset through the runtime (SendEStop / robotics estop), never the wire alone.
            Counters.Inc(ref Counters._estopRefused);
            _logger.LogWarning("serial driver: the robot reports a local e-stop {Step} ({Reason}); the runtime stays latched until its own reset", action, reason);
        }
    }
}
