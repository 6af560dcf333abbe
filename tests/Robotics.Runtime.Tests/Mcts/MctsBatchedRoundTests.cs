using Robotics.Core.Robots;
using Robotics.Core.Tasks;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Runtime.Tests.Perf;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Mcts;

/// <summary>
/// Gumbel rounds batched (<see cref="MctsOptions.BatchRounds"/>): a round's leaves expanded in one model call and valued in
/// one (fused, per-candidate-start) rollout call.
/// </summary>
public sealed class MctsBatchedRoundTests
{
    private static readonly float[][] States = [[1f, 0f, 0f], [-0.6f, 0.8f, 2.5f], [0f, -1f, -4f]];

    [Fact]
    public void PerCandidateStartGraph_FromOneRepeatedState_ScoresAsTheOneStartGraph()
    {
        const int count = 12, horizon = 7;
        using var models = new SmallEnsembleModels(false, count);
        var settings = new CostSettings { UncertaintyLambda = 0.4f, ActionRateWeight = 0.2f };
        using var one = models.Rollout(horizon, settings);
        using var each = models.Rollout(horizon, settings, perCandidateStart: true);
        Assert.False(one.PerCandidateStart);
        Assert.True(each.PerCandidateStart);
        var rng = new Random(5);
        float[] seq = Enumerable.Range(0, count * horizon).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] obs0 = [0.6f, -0.8f, 1.3f], last = [0.4f];
        var expected = new float[count];
        var viaScore = new float[count];
        var viaScoreFrom = new float[count];
        one.Score(obs0, seq, count, last, expected);
        each.Score(obs0, seq, count, last, viaScore);
        float[] starts = Enumerable.Range(0, count).SelectMany(_ => obs0).ToArray(), lasts = Enumerable.Repeat(0.4f, count).ToArray();
        each.ScoreFrom(starts, seq, count, lasts, viaScoreFrom);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(expected[i], viaScore[i], 4);
            Assert.Equal(expected[i], viaScoreFrom[i], 4);
        }
        Assert.Throws<InvalidOperationException>(() => one.ScoreFrom(starts, seq, count, lasts, expected));
    }

    [Fact]
    public void PerCandidateStartGraph_ScoresEachCandidateFromItsOwnState()
    {
        const int horizon = 6;
        using var models = new SmallEnsembleModels(false, 8);
        var settings = new CostSettings();
        using var one = models.Rollout(horizon, settings);
        using var each = models.Rollout(horizon, settings, perCandidateStart: true);
        float[] seq = Enumerable.Range(0, 3 * horizon).Select(i => MathF.Sin(i) * 2).ToArray();
        float[] starts = States.SelectMany(s => s).ToArray(), lasts = [0.5f, -1f, 2f];
        var batched = new float[3];
        each.ScoreFrom(starts, seq, 3, lasts, batched);
        for (int i = 0; i < 3; i++)
        {
            var single = new float[1];
            one.Score(States[i], seq.AsSpan(i * horizon, horizon), 1, [lasts[i]], single);
            Assert.Equal(single[0], batched[i], 4);
        }
    }

    [Fact]
    public void ShardedRollout_RunsACallBelowTwiceMinShardCandidates_AsOneSliceOnTheCaller_WithTheSameCosts()
    {
        const int horizon = 5;
        using var models = new SmallEnsembleModels(false, 32);
        var settings = new CostSettings();
        using var always = models.Rollout(horizon, settings, threads: 2, perCandidateStart: true);
        using var small = models.Rollout(horizon, settings, threads: 2, perCandidateStart: true, minShard: 8);
        int workerRuns = 0;
        small.BeforeWorkerRun = () => Interlocked.Increment(ref workerRuns);
        var rng = new Random(2);
        float[] seq = Enumerable.Range(0, 32 * horizon).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] starts = Enumerable.Range(0, 32).SelectMany(i => States[i % 3]).ToArray(), lasts = new float[32];
        float[] a = new float[32], b = new float[32];
        always.ScoreFrom(starts, seq, 15, lasts, a);
        small.ScoreFrom(starts, seq, 15, lasts, b);
        Assert.Equal(0, workerRuns);                  // 15 < 2 x 8: one slice, no hand-off
        small.ScoreFrom(starts, seq, 16, lasts, b);
        Assert.Equal(1, workerRuns);                  // 16 = 2 x 8: split across both threads
        always.ScoreFrom(starts, seq, 16, lasts, a);
        for (int i = 0; i < 16; i++) Assert.Equal(a[i], b[i], 4);
    }

    [Fact]
    public void FusedValuesOfSeveralLeaves_EqualTheStepByStepRolloutsFromEachLeaf()
    {
        // Both paths draw the rollout actions step-major over all leaves' rows, so one seed gives both the same actions.
        var o = new MctsOptions { Horizon = 6, Rollouts = 4, DiscreteActions = 5, Discount = 0.95f }.Validate();
        using var models = new SmallEnsembleModels(false, o.MaxBatch);
        var spec = ModelFiles.PendulumSpec();
        var costs = new CostSettings().Build(new PendulumCost(), 3, 1);
        using var rollout = models.Rollout(o.Horizon, new CostSettings(), perCandidateStart: true, discount: 0.95f);
        var stepwise = new MctsModelSteps(models.Step, costs, new PendulumTask(), new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
        var fused = new MctsModelSteps(models.Step, costs, new PendulumTask(), new MctsActionSet(spec.ActionSpace, o, new Random(4)), o);
        fused.UseFusedRollout(rollout);
        Assert.Equal(5, fused.MaxLeaves);   // min(m 16, K 5)
        float[] states = States.SelectMany(s => s).ToArray(), prev = [0.5f, -1f, 2f];
        float[] a = new float[3], b = new float[3];
        stepwise.Values(states, prev, 3, 0, a);
        fused.Values(states, prev, 3, 0, b);
        for (int j = 0; j < 3; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-3f * Math.Max(1, Math.Abs(a[j])), $"leaf {j}: step-by-step {a[j]} vs fused {b[j]}");
        Assert.Equal(1, fused.ValueCalls);              // three leaves, one fused call
        Assert.Equal(o.Horizon, stepwise.ValueCalls);   // one call per rollout step for all three
        Assert.NotEqual(a[0], a[1]);
    }

    [Fact]
    public void BatchedRounds_BuildTheSameTree_AsOneSimulationAtATime_WhenLeavesDrawNothing()
    {
        // Without rollouts nothing but pUCT's tie starts draws from the generator, in the same order both ways, so the
        // batched search must grow exactly the one-at-a-time tree (same nodes, visits and values).
        MctsTree Search(bool batch, out int calls)
        {
            var env = new Pendulum();
            var o = new MctsOptions { Simulations = 40, DiscreteActions = 5, Rollouts = 0, Horizon = 5, GumbelScale = 0, BatchRounds = batch };
            var planner = new MctsPlanner(new TruePendulumModel(o.MaxBatch), env.ActionSpace, new CostSettings().Build(env.Cost, 3, 1), o, new Random(7));
            planner.Act([0.2f, 0.98f, -0.5f], new float[1]);
            calls = (int)planner.Steps.ExpandCalls;
            return planner.Tree;
        }
        var one = Search(false, out int oneCalls);
        var batched = Search(true, out int batchedCalls);
        Assert.Equal(one.Count, batched.Count);
        int slots = one.Count * one.K;
        Assert.Equal(one.Visits.AsSpan(0, slots).ToArray(), batched.Visits.AsSpan(0, slots).ToArray());
        Assert.Equal(one.Child.AsSpan(0, slots).ToArray(), batched.Child.AsSpan(0, slots).ToArray());
        for (int s = 0; s < slots; s++) Assert.Equal(one.ValueSum[s], batched.ValueSum[s], 4);
        Assert.Equal(40, batched.Visits.AsSpan(0, 5).ToArray().Sum());
        Assert.True(batchedCalls * 2 < oneCalls, $"batched {batchedCalls} expansion calls vs {oneCalls}");
    }

    [Fact]
    public void BatchedRounds_OnCartpole_SpendTheBudget_InAboutHalfTheModelCalls_AllocatingNothing()
    {
        var task = new CartpoleTask();
        MctsPlanner Make(bool batch)
        {
            var o = new MctsOptions { Simulations = 32, Horizon = 10, Rollouts = 4, BatchRounds = batch };
            return new MctsPlanner(new TrueCartpoleModel(o.MaxBatch), new Cartpole().ActionSpace, new CostSettings().Build(task.Cost, 4, 1), o, new Random(3), task);
        }
        float[] obs = [0.01f, 0.1f, 0.02f, -0.1f], action = new float[1];
        var one = Make(false);
        var batched = Make(true);
        one.Act(obs, action);
        batched.Act(obs, action);
        Assert.Equal(32, batched.Tree.Visits[0] + batched.Tree.Visits[1]);
        Assert.Equal(16, batched.Tree.Visits[0]);   // m = K = 2: one phase of 16 rounds of both pushes
        // Root expansion + up to 32 expansions one at a time (a terminal leaf expands nothing); root + 16 batched rounds.
        Assert.InRange(one.Steps.ExpandCalls, 28, 33);
        Assert.InRange(batched.Steps.ExpandCalls, 2, 17);
        // Step-by-step leaves: one call per rollout step for the whole round (at most 10 each).
        Assert.InRange(batched.Steps.ValueCalls, 1, 17 * 10);
        Assert.True(one.Steps.ValueCalls > batched.Steps.ValueCalls * 3 / 2, $"one at a time {one.Steps.ValueCalls} leaf calls vs batched {batched.Steps.ValueCalls}");

        batched.Act(obs, action);
        Action window = () => { for (int i = 0; i < 30; i++) { batched.Act(obs, action); batched.Observe(action, SafetyDecision.Ok); } };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
