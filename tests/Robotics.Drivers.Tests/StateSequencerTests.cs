using Microsoft.Extensions.Time.Testing;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Tests;

public class StateSequencerTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    private readonly FakeTimeProvider _time = new();

    private StateSequencer Make() => new(Period, _time);

    private static long Accept(StateSequencer s, long seq, long? session, SeqVerdict expected)
    {
        var v = s.Accept(seq, session, out long loop, out _);
        Assert.Equal(expected, v);
        return loop;
    }

    [Fact]
    public void NormalStates_PassWithTheRobotsOwnSeq_RepeatsAndOlderOnesDoNot()
    {
        var s = Make();
        Assert.Equal(1, Accept(s, 1, 7, SeqVerdict.Accepted));
        Assert.Equal(2, Accept(s, 2, 7, SeqVerdict.Accepted));
        Accept(s, 2, 7, SeqVerdict.Repeat);
        Accept(s, 1, 7, SeqVerdict.OutOfOrder);
        Assert.Equal(5, Accept(s, 5, 7, SeqVerdict.Accepted)); // lost states are fine
        Assert.Equal(5, s.ToRobotSeq(5));
    }

    [Fact]
    public void ForgedFarFutureSeq_IsRejected_AndRealStatesGoOn()
    {
        var s = Make();
        for (long q = 1; q <= 10; q++) Accept(s, q, null, SeqVerdict.Accepted);
        Accept(s, 9_000_000_000_000_000_000, null, SeqVerdict.TooFarAhead);
        Assert.Equal(11, Accept(s, 11, null, SeqVerdict.Accepted));
        Assert.Equal(12, Accept(s, 12, null, SeqVerdict.Accepted));
    }

    [Fact]
    public void JumpAfterALongSilence_IsAccepted_WindowGrowsWithElapsedPeriods()
    {
        var s = Make();
        Accept(s, 1, null, SeqVerdict.Accepted);
        Accept(s, 1 + StateSequencer.BaseWindow + 200, null, SeqVerdict.TooFarAhead);
        _time.Advance(TimeSpan.FromSeconds(60)); // 1200 periods of broker outage
        Accept(s, 1 + StateSequencer.BaseWindow + 1200, null, SeqVerdict.Accepted);
    }

    [Fact]
    public void NewSession_IsARestart_LoopSeqKeepsIncreasing_CommandsMapBack()
    {
        var s = Make();
        for (long q = 1; q <= 500; q++) Accept(s, q, 7, SeqVerdict.Accepted);
        Assert.Equal(501, Accept(s, 1, 8, SeqVerdict.Restarted));
        Assert.Equal(502, Accept(s, 2, 8, SeqVerdict.Accepted));
        Assert.Equal(1, s.Epochs);
        Assert.Equal(2, s.ToRobotSeq(502));
        Assert.Equal(500, s.ToRobotSeq(500)); // a command still answering the old robot's last state
        Accept(s, 600, 7, SeqVerdict.Restarted); // a stale state of the old session is a session change too, never a wedge
    }

    [Fact]
    public void OldRobotWithoutSession_RebootCountingFromOne_IsRecognisedAfterAShortRun()
    {
        var s = Make();
        for (long q = 1; q <= 5000; q++) Accept(s, q, null, SeqVerdict.Accepted);
        Accept(s, 1, null, SeqVerdict.OutOfOrder);
        Accept(s, 2, null, SeqVerdict.OutOfOrder);
        Assert.Equal(5001, Accept(s, 3, null, SeqVerdict.Restarted));
        Assert.Equal(5002, Accept(s, 4, null, SeqVerdict.Accepted));
        Assert.Equal(4, s.ToRobotSeq(5002));
    }

    [Fact]
    public void ScatteredForgeries_NeverMakeARestart()
    {
        var s = Make();
        long seq = 1;
        Accept(s, seq, null, SeqVerdict.Accepted);
        for (int i = 0; i < 50; i++)
        {
            Accept(s, 9_000_000_000_000_000_000 - i, null, SeqVerdict.TooFarAhead); // decreasing: not a consistent run
            Accept(s, ++seq, null, SeqVerdict.Accepted);
        }
        Assert.Equal(0, s.Epochs);
    }
}
