using Robotics.Core.Models;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Session;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Tests;

/// <summary>
/// `--gate no-veto`: the episodes that calibrate the uncertainty veto are recorded with every other check on and the
/// veto off, so they are the controller's own trajectories, not ones bent by the card's threshold.
/// </summary>
public class NoVetoGateTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>The shipped model with a threshold so low the veto would act on nearly every tick.</summary>
    private string ModelWithTinyThreshold()
    {
        var file = ModelFile.Read(ShippedModel.Locate());
        string path = Path.Combine(_dir.Path, "tiny.onnx");
        file.WithCard(file.Card with { Uncertainty = file.Card.Uncertainty! with { Threshold = 1e-6 } }, path);
        return path;
    }

    private static SessionOptions Options(string model, GateKind gate) => new()
    {
        ModelPath = model, Robot = "sim:pendulum", Realtime = false, Gate = gate, Episodes = 0, MaxEpisodeSteps = 30,
        Controller = new ControllerOptions { Threads = 1, Budget = new PlannerBudget { Horizon = 5, Population = 20, Iterations = 1 } },
    };

    [Fact]
    public void NoVetoGate_RunsEveryCheckButTheUncertaintyVeto()
    {
        using var safety = Deployment.CreateParts(Options(ShippedModel.Locate(), GateKind.Safety), ModelFiles.PendulumSpec(), new SessionServices());
        using var noVeto = Deployment.CreateParts(Options(ShippedModel.Locate(), GateKind.NoVeto), ModelFiles.PendulumSpec(), new SessionServices());
        var full = Assert.IsType<SafetyGate>(safety.Gate).ActiveChecks;
        var calibrating = Assert.IsType<SafetyGate>(noVeto.Gate).ActiveChecks;
        Assert.True(full.HasFlag(SafetyChecks.UncertaintyVeto));
        Assert.Equal(full & ~SafetyChecks.UncertaintyVeto, calibrating);
        Assert.NotNull(noVeto.Predictor);   // the model checks that remain still predict
    }

    [Fact]
    public async Task NoVetoGate_SendsTheProposalAtATinyThreshold_WhereTheSafetyGateVetoes_AndRecordsWhatItJudged()
    {
        string model = ModelWithTinyThreshold();
        async Task<SessionEpisode> One(GateKind gate)
        {
            await using var session = await RobotSession.OpenAsync(Options(model, gate) with { RecordDir = Path.Combine(_dir.Path, gate.ToString()) },
                                                                   new SessionServices(), default);
            await session.ActivateAsync(default);
            var e = await session.RunEpisodeAsync(0, default);
            await session.ReleaseAsync();
            return e;
        }
        var vetoing = await One(GateKind.Safety);
        var calibrating = await One(GateKind.NoVeto);

        Assert.True(vetoing.Safety[SafetyCheck.UncertaintyVeto] >= 20, vetoing.Safety.ToString());
        Assert.Equal(0, calibrating.Safety[SafetyCheck.UncertaintyVeto]);
        Assert.Equal(0, calibrating.Safety.NotOk - calibrating.Safety[SafetyDecision.Clamped]);
        var rows = calibrating.Report.Transitions!.Transitions;
        Assert.Equal(30, rows.Count);
        foreach (var t in rows) Assert.Equal(t.Action, t.Judged);   // every proposal it judged went out (clamps aside: none here)
    }
}
