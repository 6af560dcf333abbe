using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

public class ModelVetoTests
{
    [Fact]
    public void Gate_PassesAction_WhenDisagreementBelowThreshold()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0);
        var h = new GateHarness(model: model);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [0.9f]).Safety);
        Assert.Equal([0.9f], h.Driver.Last.Action);
        Assert.Equal(1, model.LastN);
    }

    [Fact]
    public void Gate_VetoesAction_WhenDisagreementAboveThreshold_AndPicksLowestDisagreementCandidate()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0);
        var h = new GateHarness(model: model);

        var sent = h.Tick(Obs(), [1.5f], candidates: [1.2f, -0.6f, 0.3f, 1.9f]);

        Assert.Equal([0.3f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        Assert.Equal(2, model.Calls);     // proposal, then every candidate in one batch
        Assert.Equal(4, model.LastN);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.UncertaintyVeto]);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.UncertaintyVeto));
        Assert.Equal(1.5f, e["Value"]);
        Assert.Equal(1.0f, e["Limit"]);
        Assert.Equal(SafetyDecision.Vetoed, e["Decision"]);
    }

    [Fact]
    public void Gate_ThresholdIsCardP99TimesFactor()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, p99: 0.5);
        var h = new GateHarness(new SafetyGateOptions { Uncertainty = new UncertaintyVetoOptions(ThresholdFactor: 3) }, model);
        Assert.Equal(1.5f, h.Gate.UncertaintyThreshold);
        Assert.Equal(SafetyDecision.Ok, h.Tick(Obs(), [1.4f]).Safety);
        // Vetoed, no candidates: the last passed command (1.4) is held (issue 19; was the safe action).
        var held = h.Tick(Obs(), [1.6f]);
        Assert.Equal(SafetyDecision.Vetoed, held.Safety);
        Assert.Equal([1.4f], held.Action);
    }

    [Fact]
    public void Gate_FallsBack_WhenNoCandidatePasses()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, p99: 0.1);
        var h = new GateHarness(model: model);
        var sent = h.Tick(Obs(), [1.5f], candidates: [1.2f, -0.6f]);

        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(SafetyDecision.Fallback, Assert.Single(h.Log.CheckEvents(SafetyCheck.UncertaintyVeto))["Decision"]);
    }

    [Fact]
    public void Gate_LimitsCandidates_BeforeJudgingThem()
    {
        // The only candidate with low D is out of bounds; after clamping to 2 its D is 2 > 1: no pass.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); return a[0] > 10 ? 0f : MathF.Abs(a[0]); });
        var h = new GateHarness(model: model);
        var sent = h.Tick(Obs(), [1.5f], candidates: [50f]);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal([0f], sent.Action);
    }

    [Fact]
    public void Gate_FallsBack_WhenModelOutputsNaN()
    {
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { next.Fill(float.NaN); return float.NaN; });
        var h = new GateHarness(model: model);

        var sent = h.Tick(Obs(), [0.2f], candidates: [0.1f, -0.1f]);

        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.ModelOutput]);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.ModelOutput));
        Assert.True(float.IsNaN((float)e["Value"]!));
    }

    [Fact]
    public void Gate_VetoesNaNDisagreement_EvenWithModelOutputCheckDisabled()
    {
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); return float.NaN; });
        var h = new GateHarness(new SafetyGateOptions { Enabled = SafetyChecks.All & ~SafetyChecks.ModelOutput }, model);
        Assert.Equal([0f], h.Tick(Obs(), [0.2f]).Action);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.UncertaintyVeto]);
    }

    [Fact]
    public void Gate_VetoesAction_WhenPredictedStateLeavesSafeSet()
    {
        // Next theta_dot = theta_dot + action; safe set |theta_dot| <= 3.
        var model = new FakeEnsembleModel(3, 1, 10.0, static (o, a, next) => { o.CopyTo(next); next[2] = o[2] + a[0]; return 0.1f; });
        var safeSet = new StateLimitsOptions([-1f, -1f, -3f], [1f, 1f, 3f]);
        var h = new GateHarness(new SafetyGateOptions { StateLimits = safeSet }, model);

        var sent = h.Tick(Obs(thdot: 2.5f), [1f], candidates: [0.8f, -1f]);

        Assert.Equal([-1f], sent.Action);
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        var e = Assert.Single(h.Log.CheckEvents(SafetyCheck.StateLimits));
        Assert.Equal(2, e["Dim"]);
        Assert.Equal(3.5f, e["Value"]);
        Assert.Equal(3f, e["Limit"]);
    }

    [Fact]
    public void Gate_EvaluatesAtMostMaxCandidates()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0);
        var h = new GateHarness(new SafetyGateOptions { MaxCandidates = 2 }, model);
        var sent = h.Tick(Obs(), [1.5f], candidates: [1.8f, 1.7f, 0.1f]);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(2, model.MaxN);
    }
}

public class ModelFailureTests
{
    [Fact]
    public void Gate_FallsBack_WhenModelThrows_AndLogsTheException()
    {
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => throw new InvalidOperationException("onnx runtime failed"));
        var h = new GateHarness(model: model);

        var sent = h.Tick(GateHarness.Obs(), [0.5f], candidates: [0.1f]);

        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
        Assert.Equal(1, h.Gate.Snapshot()[SafetyCheck.ModelOutput]);
        Assert.Single(h.Log.CheckEvents(SafetyCheck.ModelOutput));
        var e = Assert.Single(h.Log.Events, e => e.Id.Id == 6004);
        Assert.Contains("threw", e.Message);
    }

    [Fact]
    public void Gate_FallsBack_WhenModelThrowsOnlyForCandidates()
    {
        // Proposal vetoed (D = 1.5 > 1); the batched candidate call throws: no candidate can be trusted.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) =>
            a[0] < 1f ? throw new InvalidOperationException("batch failed") : 1.5f);
        var h = new GateHarness(model: model);
        var sent = h.Tick(GateHarness.Obs(), [1.5f], candidates: [0.1f, 0.2f]);
        Assert.Equal([0f], sent.Action);
        Assert.Equal(SafetyDecision.Fallback, sent.Safety);
    }
}
