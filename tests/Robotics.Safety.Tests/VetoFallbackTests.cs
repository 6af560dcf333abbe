using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

/// <summary>What replaces a vetoed proposal: best candidate, else a bounded hold, else the safe action.</summary>
public class VetoFallbackTests
{
    // No hysteresis, so each tick is judged on its own threshold (1.0 = |action|).
    private static readonly UncertaintyVetoOptions NoHysteresis = new(ExitFraction: 1, MinVetoTicks: 1);

    private static GateHarness Harness(FakeEnsembleModel model, int holdTicks = 3) =>
        new(new SafetyGateOptions { Uncertainty = NoHysteresis, Fallback = new VetoFallbackOptions(holdTicks) }, model);

    [Fact]
    public void Veto_SendsLowestDisagreementPassingCandidate_AndCountsItAsCandidate()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));
        var sent = h.Tick(Obs(), [1.5f], candidates: [0.9f, -0.4f, 0.6f]);
        Assert.Equal([-0.4f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        var c = h.Gate.Snapshot();
        Assert.Equal(1, c[VetoChoice.Candidate]);
        Assert.Equal(0, c[VetoChoice.Hold] + c[VetoChoice.SafeAction]);
    }

    [Fact]
    public void Veto_InPlannerOrder_SendsThePlannersFirstPassingCandidate()
    {
        var h = new GateHarness(new SafetyGateOptions
        {
            Uncertainty = NoHysteresis, Fallback = new VetoFallbackOptions(CandidateOrder: VetoCandidateOrder.PlannerOrder),
        }, FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));
        var sent = h.Tick(Obs(), [1.5f], candidates: [1.2f, 0.9f, -0.4f]);   // 1.2 is vetoed; 0.9 is the planner's best that passes
        Assert.Equal([0.9f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[VetoChoice.Candidate]);
    }

    [Fact]
    public void Veto_HoldsLastPassedCommand_WhenNoCandidatePasses()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));
        h.Tick(Obs(), [0.7f]);                                   // passes: the command a hold repeats
        var sent = h.Tick(Obs(), [1.8f], candidates: [1.5f, -1.2f]);
        Assert.Equal([0.7f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[VetoChoice.Hold]);
    }

    [Fact]
    public void Veto_HoldsAtMostHoldTicksInARow_ThenSendsSafeAction()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0), holdTicks: 2);
        h.Tick(Obs(), [0.7f]);
        var sent = Enumerable.Range(0, 4).Select(_ => h.Tick(Obs(), [1.8f])).ToArray();
        Assert.Equal([0.7f, 0.7f, 0f, 0f], sent.Select(s => s.Action[0]));
        Assert.Equal([SafetyDecision.Vetoed, SafetyDecision.Vetoed, SafetyDecision.Fallback, SafetyDecision.Fallback], sent.Select(s => s.Safety));
        var c = h.Gate.Snapshot();
        Assert.Equal(2, c[VetoChoice.Hold]);
        Assert.Equal(2, c[VetoChoice.SafeAction]);
    }

    [Fact]
    public void Veto_HoldCountStartsAgain_AfterACommandPasses()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0), holdTicks: 1);
        h.Tick(Obs(), [0.7f]);
        Assert.Equal([0.7f], h.Tick(Obs(), [1.8f]).Action);      // hold 1 of 1
        Assert.Equal([0.2f], h.Tick(Obs(), [0.2f]).Action);      // passes
        Assert.Equal([0.2f], h.Tick(Obs(), [1.8f]).Action);      // a new hold, of the newer command
    }

    [Fact]
    public void Veto_DoesNotHold_WhenHeldCommandWouldLeaveSafeSet()
    {
        // Next theta_dot = theta_dot + action, safe set |theta_dot| <= 3; D = |action|.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); next[2] = o[2] + a[0]; return MathF.Abs(a[0]); });
        var h = new GateHarness(new SafetyGateOptions { Uncertainty = NoHysteresis, StateLimits = new StateLimitsOptions([-1f, -1f, -3f], [1f, 1f, 3f]) }, model);
        h.Tick(Obs(thdot: 0f), [0.9f]);
        var sent = h.Tick(Obs(thdot: 2.5f), [1.5f]);             // holding 0.9 would reach 3.4
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[VetoChoice.SafeAction]);
    }

    [Fact]
    public void Veto_HoldWaivesUncertainty_ButNotTheRateLimit()
    {
        // D grows with theta_dot, so at thdot 5 even the held command is uncertain: it is held anyway.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); return MathF.Abs(a[0]) + 0.2f * MathF.Abs(o[2]); });
        var h = new GateHarness(new SafetyGateOptions { Uncertainty = NoHysteresis, RateLimit = new RateLimitOptions([0.5f]) }, model);
        h.Tick(Obs(thdot: 0f), [0.4f]);
        var sent = h.Tick(Obs(thdot: 5f), [0.4f]);
        Assert.Equal([0.4f], sent.Action);
        Assert.Equal(1, h.Gate.Snapshot()[VetoChoice.Hold]);
    }

    [Fact]
    public void SendSafeAction_IsNeverVetoedOrHeld_EvenWhereTheModelDoubtsTheSafeAction()
    {
        // At thdot 5 even zero torque is uncertain: Apply would hold 0.4 in its place; a stop must send 0 all the same.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); return MathF.Abs(a[0]) + 0.3f * MathF.Abs(o[2]); });
        var h = Harness(model);
        h.Tick(Obs(thdot: 0f), [0.4f]);
        Assert.Equal([0.4f], h.Tick(Obs(thdot: 5f), [0f]).Action);   // what Apply does with the safe action here: a hold

        var command = new CommandBuffer(1);
        var decision = h.Gate.SendSafeAction(h.State, [0f], command);
        Assert.Equal((SafetyDecision.Fallback, 0f), (decision, command.Action[0]));
        Assert.Equal((SafetyDecision.Fallback, 0f), (command.Safety, h.Gate.LastSent[0]));
        Assert.Equal(3, h.Gate.Snapshot().Ticks);
    }

    [Fact]
    public void Veto_SendsSafeAction_WhenNothingPassedYetThisEpisode()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));
        h.Tick(Obs(), [0.7f]);
        h.Gate.Reset();                                           // new episode: no command to hold
        var sent = h.Tick(Obs(), [1.8f]);
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
    }

    [Fact]
    public void Veto_SendsSafeAction_WhenModelThrowsOnHold()
    {
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) =>
        {
            o.CopyTo(next);
            return a[0] == 0.7f && o[2] > 1f ? throw new InvalidOperationException("hold failed") : MathF.Abs(a[0]);
        });
        var h = Harness(model);
        h.Tick(Obs(thdot: 0f), [0.7f]);
        var sent = h.Tick(Obs(thdot: 2f), [1.8f]);
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
    }

    [Fact]
    public void Summary_ShowsEachVetoChoice()
    {
        var h = Harness(FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0), holdTicks: 1);
        h.Tick(Obs(), [0.7f]);
        h.Tick(Obs(), [1.8f], candidates: [0.1f]);
        h.Tick(Obs(), [1.8f]);
        h.Tick(Obs(), [1.8f]);
        Assert.Contains("veto replaced by: candidate 1, hold 1, safe_action 1", h.Gate.Snapshot().ToString());
    }
}

/// <summary>The uncertainty veto's hysteresis: enter above the threshold, leave below the exit threshold after min ticks.</summary>
public class VetoHysteresisTests
{
    private static GateHarness Harness(double exitFraction, int minTicks) => new(new SafetyGateOptions
    {
        Uncertainty = new UncertaintyVetoOptions(ExitFraction: exitFraction, MinVetoTicks: minTicks),
        Fallback = new VetoFallbackOptions(HoldTicks: 0),
    }, FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));

    [Fact]
    public void Veto_StaysOn_WhileDisagreementBetweenExitAndEntryThreshold()
    {
        var h = Harness(exitFraction: 0.8, minTicks: 1);
        Assert.Equal(SafetyDecision.Vetoed, h.Tick(Obs(), [1.1f], candidates: [0.5f]).Safety);
        var sent = h.Tick(Obs(), [0.9f], candidates: [0.5f]);     // below entry, above exit 0.8: still vetoed
        Assert.Equal([0.5f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.75f]).Safety);   // below exit: off
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.9f]).Safety);    // off again: entry threshold applies
        var c = h.Gate.Snapshot();
        Assert.Equal(1, c.HysteresisVetoes);
        Assert.Equal(2, c[SafetyCheck.UncertaintyVeto]);
    }

    [Fact]
    public void Veto_JudgesReplacementsByExitThreshold_WhileOn()
    {
        var h = Harness(exitFraction: 0.8, minTicks: 1);
        var sent = h.Tick(Obs(), [1.1f], candidates: [0.9f, 0.85f]);  // both under entry, both over exit
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal([0f], sent.Action);
    }

    [Fact]
    public void Veto_StaysOnForMinTicks_EvenWhenDisagreementDrops()
    {
        var h = Harness(exitFraction: 1, minTicks: 3);
        float[] proposals = [1.2f, 0.3f, 0.3f, 0.3f];
        var sent = proposals.Select(p => h.Tick(Obs(), [p], candidates: [0.1f])).ToArray();
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.3f], sent.Select(s => s.Action[0]));
        Assert.Equal(2, h.Gate.Snapshot().HysteresisVetoes);
    }

    [Fact]
    public void Veto_DoesNotChatter_WhenDisagreementHoversAroundThreshold()
    {
        // D alternates just above and just below the threshold: without hysteresis the command flips every
        // tick between the proposal and the candidate; with it the veto stays on until D falls clearly below.
        float[] hovering = [1.02f, 0.98f, 1.03f, 0.97f, 1.01f, 0.99f, 0.5f, 0.5f];
        int Switches(GateHarness h)
        {
            var decisions = hovering.Select(p => h.Tick(Obs(), [p], candidates: [0.4f]).Safety).ToArray();
            return decisions.Zip(decisions.Skip(1)).Count(d => d.First != d.Second);
        }
        Assert.Equal(5, Switches(Harness(exitFraction: 1, minTicks: 1)));
        Assert.Equal(1, Switches(Harness(exitFraction: 0.9, minTicks: 2)));
    }

    [Fact]
    public void Reset_TurnsHysteresisOff()
    {
        var h = Harness(exitFraction: 0.5, minTicks: 5);
        h.Tick(Obs(), [1.5f], candidates: [0.1f]);
        h.Gate.Reset();
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.9f]).Safety);
    }
}
