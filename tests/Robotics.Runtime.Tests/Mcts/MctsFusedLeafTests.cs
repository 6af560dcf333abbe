using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Core.Tasks;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.EnsembleMpc;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Runtime.Session;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Runtime.Tests.Perf;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Mcts;

/// <summary>MCTS leaf values from one fused rollout call over a learned (here random-weight) ONNX ensemble.</summary>
public sealed class MctsFusedLeafTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private string WritePendulumModel()
    {
        var p = ReferenceEnsemble.Small(false);
        string path = Path.Combine(_dir.Path, $"pendulum-{Guid.NewGuid():N}.onnx");
        EnsembleStepGraph.Build(p, new Dictionary<string, string> { [Core.Models.ModelCard.MetadataKey] = ModelFiles.PendulumCard().ToJson() }).Save(path);
        return path;
    }

    [Fact]
    public void FusedLeafValue_EqualsTheStepByStepRollouts_WithoutDiscountOrTermination()
    {
        // Pendulum never terminates, so with discount 1 both paths sum the same costs over the same random actions.
        var o = new MctsOptions { Horizon = 6, Rollouts = 5, DiscreteActions = 5, Discount = 1f }.Validate();
        string path = WritePendulumModel();
        var spec = ModelFiles.PendulumSpec();
        using var model = OnnxWorldModel.Load(path, spec, new WorldModelOptions { MaxBatch = o.MaxBatch, IntraOpThreads = 1 });
        var costs = new CostSettings().Build(new PendulumCost(), 3, 1);
        using var rollout = RolloutModelFactory.TryCreate(path, model.Card, o.Horizon, new CostSettings(), new PendulumCost(),
            new WorldModelOptions { MaxBatch = o.Rollouts, IntraOpThreads = 1 }, NullLogger.Instance);
        Assert.NotNull(rollout);
        var stepwise = new MctsModelSteps(model, costs, new PendulumTask(), new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
        var fused = new MctsModelSteps(model, costs, new PendulumTask(), new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
        fused.UseFusedRollout(rollout);
        Assert.True(fused.Fused);
        float[] prev = [0.5f];
        foreach (float[] s in new[] { new[] { 1f, 0f, 0f }, [-0.6f, 0.8f, 2.5f], [0f, -1f, -4f] })
        {
            float a = stepwise.Value(s, prev, 0), b = fused.Value(s, prev, 0);
            Assert.True(Math.Abs(a - b) <= 1e-3f * Math.Max(1, Math.Abs(a)), $"step-by-step {a} vs fused {b}");
        }
    }

    [Fact]
    public void FusedLeafValue_EqualsTheStepByStepRollouts_DiscountedAndStoppedAtCartpoleTermination()
    {
        // A random-weight cart-pole ensemble drifts, so from states near the thresholds some rollouts leave them within
        // the horizon: both paths must then weight step t by 0.9^t and count nothing after the first terminal state.
        var o = new MctsOptions { Horizon = 12, Rollouts = 6, DiscreteActions = 2, Discount = 0.9f }.Validate();
        var spec = new Cartpole().ToSpec("bench");
        var p = Robotics.Core.Models.EnsembleParameters.CreateRandom(4, 1, 2, [16, 16], 8, false, new Random(3));
        string path = Path.Combine(_dir.Path, "cartpole.onnx");
        EnsembleStepGraph.Build(p, new Dictionary<string, string> { [Core.Models.ModelCard.MetadataKey] =
            (PlannerBenchmark.BenchCard(spec) with { Ensemble = new Core.Models.EnsembleSection(2, 2) }).ToJson() }).Save(path);
        using var model = OnnxWorldModel.Load(path, spec, new WorldModelOptions { MaxBatch = o.MaxBatch, IntraOpThreads = 1 });
        var task = new CartpoleTask();
        var costs = new CostSettings().Build(task.Cost, 4, 1);
        using var rollout = MctsFusedLeaves.TryCreate(path, model.Card, o, new CostSettings(), task.Cost, task,
            new WorldModelOptions { IntraOpThreads = 1 }, NullLogger.Instance);
        Assert.NotNull(rollout);
        Assert.Contains("discount=0.9;terminal=cartpole", rollout.CostDescription);
        float[] prev = [0f];
        var values = new List<float>();
        foreach (float[] s in new[] { new[] { 0f, 0f, 0f, 0f }, [2.3f, 0.5f, 0.05f, 0.2f], [0.5f, -0.3f, -0.19f, -0.8f], [-2.35f, -1f, 0.2f, 1f] })
        {
            // Fresh generators per state: step-by-step rollouts that all end early draw fewer actions.
            var stepwise = new MctsModelSteps(model, costs, task, new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
            var fused = new MctsModelSteps(model, costs, task, new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
            fused.UseFusedRollout(rollout);
            float a = stepwise.Value(s, prev, 0), b = fused.Value(s, prev, 0);
            Assert.True(Math.Abs(a - b) <= 1e-4f * Math.Max(1, Math.Abs(a)), $"step-by-step {a} vs fused {b} from [{string.Join(", ", s)}]");
            values.Add(a);
        }
        // CartPole pays 1 a step: full-horizon survival is (1 - 0.9^12) / (1 - 0.9) = 7.18; a rollout stopped early earns less.
        float full = (1 - MathF.Pow(0.9f, 12)) / (1 - 0.9f);
        Assert.All(values, v => Assert.InRange(v, 0f, full + 1e-3f));
        Assert.Contains(values, v => v < full - 0.5f);
    }

    [Fact]
    public void MctsFusedLeaves_StepsLeavesOneCallPerStep_ForATaskWithoutAnOnnxTerminalTest()
    {
        var o = new MctsOptions { Horizon = 6, Rollouts = 5, DiscreteActions = 5 }.Validate();
        string path = WritePendulumModel();
        var spec = ModelFiles.PendulumSpec();
        using var model = OnnxWorldModel.Load(path, spec, new WorldModelOptions { MaxBatch = o.MaxBatch, IntraOpThreads = 1 });
        var rollout = MctsFusedLeaves.TryCreate(path, model.Card, o, new CostSettings(), new PendulumCost(), new CartpoleSwingupTask(),
            new WorldModelOptions { IntraOpThreads = 1 }, NullLogger.Instance);
        Assert.Null(rollout);
    }

    [Fact]
    public void UseFusedRollout_RefusesARolloutOfAnotherHorizon()
    {
        var o = new MctsOptions { Horizon = 6, Rollouts = 5, DiscreteActions = 5 }.Validate();
        string path = WritePendulumModel();
        var spec = ModelFiles.PendulumSpec();
        using var model = OnnxWorldModel.Load(path, spec, new WorldModelOptions { MaxBatch = o.MaxBatch, IntraOpThreads = 1 });
        using var rollout = RolloutModelFactory.TryCreate(path, model.Card, 4, new CostSettings(), new PendulumCost(),
            new WorldModelOptions { MaxBatch = o.Rollouts, IntraOpThreads = 1 }, NullLogger.Instance)!;
        var steps = new MctsModelSteps(model, new CostSettings().Build(new PendulumCost(), 3, 1), null, new MctsActionSet(spec.ActionSpace, o, new Random(0)), o);
        var e = Assert.Throws<ArgumentException>(() => steps.UseFusedRollout(rollout));
        Assert.Contains("horizon 4, rollout depth 6", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnsembleMctsController_UsesTheFusedLeaves_ByDefault_AndPlansAllocationFree(bool fused)
    {
        string path = WritePendulumModel();
        var driver = new SimDriver(new Pendulum(5), "in-process", TimeProvider.System, SimDriver.SequentialSeeds(5), TimeSpan.FromMilliseconds(50));
        await driver.ActivateAsync(CancellationToken.None);
        var options = new SessionOptions
        {
            ModelPath = path, Gate = GateKind.PassThrough, Seed = 3, Realtime = false, MaxEpisodeSteps = 20, Record = false,
            Controller = new ControllerOptions
            {
                Planner = PlannerKind.Mcts, Threads = 1, FusedRollout = fused,
                Budget = new PlannerBudget { Horizon = 5, Mcts = new MctsOptions { Simulations = 8, Rollouts = 3, DiscreteActions = 5 } },
            },
        };
        await using var session = RobotSession.Attach(options, new SessionServices(), driver, driver.Spec with { Id = "fake" });
        var controller = Assert.IsType<EnsembleMpcController>(session.Build().Controller);
        var mcts = Assert.IsType<MctsPlanner>(controller.Planner);
        Assert.Equal(fused, mcts.Fused);
        Assert.Equal(fused, controller.Fused);

        float[] obs = [0.3f, 0.95f, 1f], action = new float[1];
        for (int i = 0; i < 5; i++) controller.Act(obs, action);   // binds every batch size
        Action window = () => { for (int i = 0; i < 30; i++) controller.Act(obs, action); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

        Assert.InRange(action[0], -2f, 2f);
        Assert.Contains(action[0], new[] { -2f, -1f, 0f, 1f, 2f });
    }
}
