using Robotics.Core.Tasks;
using Robotics.Core.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Session;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Perf;

public sealed class LoadTimeRolloutTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteModel(bool predictsReward, DisagreementMeasure measure = DisagreementMeasures.Default, Core.Models.ModelCard? card = null)
    {
        var p = ReferenceEnsemble.Small(predictsReward, measure: measure);
        string path = System.IO.Path.Combine(_dir.Path, $"model-{predictsReward}-{measure}-{Guid.NewGuid():N}.onnx");
        EnsembleStepGraph.Build(p, new Dictionary<string, string> { [Core.Models.ModelCard.MetadataKey] = (card ?? ModelFiles.PendulumCard()).ToJson() }).Save(path);
        return path;
    }

    [Fact]
    public void TryCreate_BuildsTheRollout_ForAnOldCardsMaxMemberGraph()
    {
        // A card written before issue 19 has no ensemble.disagreement: its graph computes max-member-l2.
        var card = ModelFiles.PendulumCard() with { Ensemble = new Core.Models.EnsembleSection(3, 3) };
        Assert.Equal(DisagreementMeasure.MaxMemberL2, card.Ensemble!.Measure);
        string path = WriteModel(false, DisagreementMeasure.MaxMemberL2, card);
        using var rollout = RolloutModelFactory.TryCreate(path, card, 5, new CostSettings { UncertaintyLambda = 1 },
            new PendulumCost(), new WorldModelOptions { MaxBatch = 8 }, NullLogger.Instance);
        Assert.NotNull(rollout);
    }

    [Fact]
    public void TryCreate_FallsBackToStepByStep_WhenTheCardNamesAnotherMeasureThanTheGraphComputes()
    {
        string path = WriteModel(false, DisagreementMeasure.MaxMemberL2);   // card says total-std
        var log = new ListLogger();
        var rollout = RolloutModelFactory.TryCreate(path, ModelFiles.PendulumCard(), 5, new CostSettings(), new PendulumCost(),
            new WorldModelOptions { MaxBatch = 8 }, log);
        Assert.Null(rollout);
        Assert.Contains(log.Lines, l => l.Contains("planning step by step") && l.Contains("'disagreement'"));
    }

    [Fact]
    public void ParametersReader_RecoversTheExactArrays_FromAStepModel()
    {
        var p = ReferenceEnsemble.Small(true);
        var back = EnsembleParametersReader.FromStepModel(EnsembleStepGraph.Build(p).Serialize(), 3, 1, p.Measure, out string reason);
        Assert.True(back is not null, reason);
        Assert.Equal(p.LayerSizes, back.LayerSizes);
        Assert.True(back.PredictsReward);
        for (int l = 0; l < p.LayerCount; l++) { Assert.Equal(p.Weights[l], back.Weights[l]); Assert.Equal(p.Biases[l], back.Biases[l]); }
        Assert.Equal(p.InputStd, back.InputStd);
        Assert.Equal(p.OutputMean, back.OutputMean);
    }

    [Fact]
    public void TryCreate_BuildsTheRollout_ForTheRequestedHorizon()
    {
        string path = WriteModel(false);
        using var rollout = RolloutModelFactory.TryCreate(path, ModelFiles.PendulumCard(), 7, new CostSettings { UncertaintyLambda = 1 },
            new PendulumCost(), new WorldModelOptions { MaxBatch = 8 }, NullLogger.Instance);
        Assert.NotNull(rollout);
        Assert.Equal(7, rollout.Horizon);
        Assert.StartsWith("pendulum;lambda=1", rollout.CostDescription);
    }

    [Fact]
    public void TryCreate_FallsBackToStepByStep_ForAModelNotBuiltByCore()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());
        var log = new ListLogger();
        var rollout = RolloutModelFactory.TryCreate(path, ModelFiles.PendulumCard(), 7, new CostSettings(), new PendulumCost(),
            new WorldModelOptions { MaxBatch = 8 }, log);
        Assert.Null(rollout);
        Assert.Contains(log.Lines, l => l.Contains("planning step by step") && l.Contains("ensemble.input_mean"));
    }

    [Fact]
    public void TryCreate_FallsBackToStepByStep_WhenTheLearnedRewardIsWantedButNotPredicted()
    {
        string path = WriteModel(false);
        var log = new ListLogger();
        Assert.Null(RolloutModelFactory.TryCreate(path, ModelFiles.PendulumCard(), 7, new CostSettings { PreferLearnedReward = true },
            new PendulumCost(), new WorldModelOptions { MaxBatch = 8 }, log));
        Assert.Contains(log.Lines, l => l.Contains("predicts no reward"));
    }

    [Theory]
    [InlineData(PlannerKind.Mppi, false)]
    [InlineData(PlannerKind.Cem, true)]
    public async Task PendulumEpisode_GivesTheSameReturn_FusedOrStepByStep(PlannerKind kind, bool learnedReward)
    {
        string path = WriteModel(learnedReward);
        async Task<(double Return, bool Fused)> Episode(bool fused)
        {
            var driver = new SimDriver(new Pendulum(11), "in-process", TimeProvider.System, SimDriver.SequentialSeeds(11), TimeSpan.FromMilliseconds(50));
            await driver.ActivateAsync(CancellationToken.None);
            var options = new SessionOptions
            {
                ModelPath = path, Gate = GateKind.PassThrough, Seed = 3, Realtime = false, MaxEpisodeSteps = 60, Record = false,
                Controller = new ControllerOptions
                {
                    Planner = kind, Budget = new PlannerBudget { Horizon = 8, Population = 32, Iterations = 2 },
                    Costs = new CostSettings { UncertaintyLambda = 0.5f, PreferLearnedReward = learnedReward },
                    Threads = 1, FusedRollout = fused,
                },
            };
            await using var session = RobotSession.Attach(options, new SessionServices(), driver, driver.Spec with { Id = "fake" });
            var d = session.Build();
            var report = (await session.RunEpisodeAsync(0, CancellationToken.None)).Report;
            Assert.Equal(60, report.Steps);
            return (report.Return, d.Controller is Robotics.Runtime.Controllers.EnsembleMpc.EnsembleMpcController { Fused: true });
        }
        var plain = await Episode(false);
        var fused = await Episode(true);
        Assert.False(plain.Fused);
        Assert.True(fused.Fused);
        Assert.True(Math.Abs(plain.Return - fused.Return) <= 1e-3 * Math.Max(1, Math.Abs(plain.Return)),
            $"step-by-step return {plain.Return}, fused {fused.Return}");
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
                                Exception? exception, Func<TState, Exception?, string> formatter) => Lines.Add(formatter(state, exception));
    }
}
