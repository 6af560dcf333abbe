namespace Robotics.Drivers.Common;

/// <summary>What <see cref="StateSequencer.Accept"/> decided about one state's sequence number.</summary>
internal enum SeqVerdict : byte
{
    /// <summary>Newer than the newest, within the window: pass it on.</summary>
    Accepted,
    /// <summary>The seq of the state already held (QoS 1 redelivery, idle republish): ignore silently.</summary>
    Repeat,
    /// <summary>Older than the newest: rejected.</summary>
    OutOfOrder,
    /// <summary>Further ahead than the window allows (a forged or corrupt seq): rejected, counted.</summary>
    TooFarAhead,
    /// <summary>The robot restarted (a new session, or a consistent run of states that fit no window): passed on as a new epoch.</summary>
    Restarted,
}

/// <summary>
/// Orders a robot's states and survives its restarts, on the driver's receive thread. The loop sees
/// strictly increasing sequence numbers; normally they are the robot's own, and after a restart they go on
/// from the newest the loop saw (an offset the driver takes off again in the commands' <c>state_seq</c>).
/// <list type="bullet">
/// <item>A state whose <c>session</c> differs from the one held is the first of a restarted robot: accepted at once.</item>
/// <item>Within a session, a seq may run ahead of the newest by at most <see cref="BaseWindow"/> plus twice the
/// control periods elapsed since the newest arrived (a robot steps once a period, and a long broker outage
/// skips many), so one forged <c>seq: 9e18</c> is rejected and cannot hold back the real states after it.</item>
/// <item>A run of <see cref="ResyncRun"/> states that are each rejected (too far ahead, or behind: an old robot
/// without a session that rebooted and counts from 1 again) but increase among themselves within the window
/// is adopted as a restart, so no seq, forged or not, wedges the check.</item>
/// </list>
/// Allocation-free except when an epoch starts (a few dozen bytes per restart).
/// </summary>
internal sealed class StateSequencer(TimeSpan controlPeriod, TimeProvider time)
{
    /// <summary>How far ahead a seq may run without any elapsed time (lost states, a burst of QoS 0 drops).</summary>
    public const long BaseWindow = 1000;
    /// <summary>Consistent rejected states in a row that make a new epoch.</summary>
    public const int ResyncRun = 3;

    private readonly double _periodTicks = Math.Max(1, controlPeriod.TotalSeconds * time.TimestampFrequency);
    private bool _have, _hasSession;
    private long _robotNewest, _loopNewest, _acceptedAt, _session;
    private long _runSeq, _runAt;
    private int _run;
    private Epoch _epoch = new(long.MinValue, 0, 0, 0);

    /// <summary>Epochs started after the first (robot restarts and resyncs).</summary>
    public long Epochs => Volatile.Read(ref _epoch).Number;

    /// <summary>
    /// Receive thread. Classifies a state with the robot's <paramref name="robotSeq"/> and (when the robot sends one)
    /// <paramref name="session"/>; for accepted and restarted states, <paramref name="loopSeq"/> is the seq to publish
    /// and <paramref name="epoch"/> the epoch number to stamp on it.
    /// </summary>
    public SeqVerdict Accept(long robotSeq, long? session, out long loopSeq, out long epoch)
    {
        long now = time.GetTimestamp();
        loopSeq = 0;
        epoch = _epoch.Number;
        if (!_have)
        {
            _have = true;
            _hasSession = session.HasValue;
            _session = session ?? 0;
            return Take(robotSeq, robotSeq, now, out loopSeq);
        }
        if (session is { } s && (!_hasSession || s != _session))
        {
            bool restart = _hasSession; // a robot that starts sending its session is the same robot
            _hasSession = true;
            _session = s;
            if (restart) return NewEpoch(robotSeq, now, out loopSeq, out epoch);
        }
        long ahead = robotSeq - _robotNewest;
        if (ahead == 0) return SeqVerdict.Repeat;
        if (ahead > 0 && ahead <= Window(now - _acceptedAt))
        {
            _run = 0;
            return Take(robotSeq, robotSeq - _robotNewest + _loopNewest, now, out loopSeq);
        }
        // Rejected; a consistent run of these is a robot that restarted (or a seq that jumped legitimately).
        if (_run > 0 && robotSeq > _runSeq && robotSeq - _runSeq <= Window(now - _runAt)) _run++;
        else _run = 1;
        _runSeq = robotSeq;
        _runAt = now;
        if (_run >= ResyncRun) return NewEpoch(robotSeq, now, out loopSeq, out epoch);
        return ahead < 0 ? SeqVerdict.OutOfOrder : SeqVerdict.TooFarAhead;
    }

    /// <summary>
    /// Hot path (the loop's Write), allocation-free. The robot's seq of the state the loop knows as <paramref name="loopSeq"/>.
    /// </summary>
    public long ToRobotSeq(long loopSeq)
    {
        Epoch e = Volatile.Read(ref _epoch);
        long robot = loopSeq >= e.LoopStart ? loopSeq - e.Offset : loopSeq - e.PreviousOffset;
        return Math.Max(0, robot);
    }

    private SeqVerdict Take(long robotSeq, long loopSeq, long now, out long published)
    {
        _robotNewest = robotSeq;
        _loopNewest = loopSeq;
        _acceptedAt = now;
        published = loopSeq;
        return SeqVerdict.Accepted;
    }

    private SeqVerdict NewEpoch(long robotSeq, long now, out long loopSeq, out long epoch)
    {
        _run = 0;
        long start = _loopNewest + 1;
        Epoch old = _epoch;
        Volatile.Write(ref _epoch, new Epoch(start, start - robotSeq, old.Offset, old.Number + 1));
        epoch = old.Number + 1;
        Take(robotSeq, start, now, out loopSeq);
        return SeqVerdict.Restarted;
    }

    private long Window(long elapsedTicks) => BaseWindow + (long)Math.Min(2.0 * elapsedTicks / _periodTicks, 1e15);

    /// <summary>Loop seqs from <paramref name="LoopStart"/> on are the robot's seq plus <paramref name="Offset"/>.</summary>
    private sealed record Epoch(long LoopStart, long Offset, long PreviousOffset, long Number);
}
