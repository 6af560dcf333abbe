namespace Robotics.Drivers.Common;

/// <summary>
/// What a driver (or the robot side of a protocol) has seen, as monotonically increasing counters.
/// Written with Interlocked from receive threads, read from anywhere; never reset.
/// </summary>
public sealed class DriverCounters
{
    internal long _statesAccepted, _statesRejected, _commandsSent, _commandsDropped, _reconnects,
        _disconnects, _framesDropped, _badCrc, _seqGaps, _staleEvents, _estopMessages, _commandsRejected,
        _seqTooFarAhead, _robotRestarts, _estopRefused, _statesRepeated;

    /// <summary>States that passed validation and became readable.</summary>
    public long StatesAccepted => Interlocked.Read(ref _statesAccepted);
    /// <summary>States rejected: malformed, wrong length, non-finite, or out of order.</summary>
    public long StatesRejected => Interlocked.Read(ref _statesRejected);
    public long CommandsSent => Interlocked.Read(ref _commandsSent);
    /// <summary>Commands not sent: disconnected, or older than their ttl by the time the link was free.</summary>
    public long CommandsDropped => Interlocked.Read(ref _commandsDropped);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long Disconnects => Interlocked.Read(ref _disconnects);
    /// <summary>Serial: frames discarded (bad COBS, too short/long, unknown type, bad payload).</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);
    /// <summary>Serial: frames whose CRC did not match (also counted in <see cref="FramesDropped"/>).</summary>
    public long BadCrc => Interlocked.Read(ref _badCrc);
    /// <summary>Serial: jumps in the peer's frame sequence number (frames lost on the wire).</summary>
    public long SequenceGaps => Interlocked.Read(ref _seqGaps);
    /// <summary>Times the watchdog saw the state go stale (counted once per fresh -> stale transition).</summary>
    public long StaleEvents => Interlocked.Read(ref _staleEvents);
    public long EStopMessages => Interlocked.Read(ref _estopMessages);
    /// <summary>States rejected because their seq ran further ahead than the window (also in <see cref="StatesRejected"/>).</summary>
    public long SeqTooFarAhead => Interlocked.Read(ref _seqTooFarAhead);
    /// <summary>Robot restarts recognised (a new session, or a consistent run of states outside the window).</summary>
    public long RobotRestarts => Interlocked.Read(ref _robotRestarts);

    /// <summary>States ignored as repeats of the newest (QoS 1 redeliveries, a lock-step robot's idle republish).</summary>
    public long StatesRepeated => Interlocked.Read(ref _statesRepeated);
    /// <summary>E-stop messages refused: a release on the engage topic, a retained reset, a re-arm without a live release request.</summary>
    public long EStopRefused => Interlocked.Read(ref _estopRefused);

    /// <summary>Robot side: commands that were malformed, had the wrong length or a non-finite action.</summary>
    public long CommandsRejected => Interlocked.Read(ref _commandsRejected);

    internal void Inc(ref long counter) => Interlocked.Increment(ref counter);

    /// <summary>Robot side: counts a rejected command; returns the count so far.</summary>
    public long RecordCommandRejected() => Interlocked.Increment(ref _commandsRejected);
    public void RecordFrameDropped() => Interlocked.Increment(ref _framesDropped);
    public void RecordEStopMessage() => Interlocked.Increment(ref _estopMessages);
    public void RecordEStopRefused() => Interlocked.Increment(ref _estopRefused);

    public override string ToString() =>
        $"states {StatesAccepted} accepted / {StatesRejected} rejected, commands {CommandsSent} sent / {CommandsDropped} dropped, " +
        $"reconnects {Reconnects}, disconnects {Disconnects}, frames dropped {FramesDropped} (bad crc {BadCrc}), seq gaps {SequenceGaps}, stale {StaleEvents}, " +
        $"seq too far ahead {SeqTooFarAhead}, robot restarts {RobotRestarts}, e-stop refused {EStopRefused}";
}
