using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Planning.Mcts;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Mcts;

public class MctsPlannerTests
{
    private static readonly CartpoleTask Task = new();

    private static MctsPlanner Cartpole(MctsOptions o, int seed = 0) =>
        new(new TrueCartpoleModel(o.MaxBatch), new Cartpole().ActionSpace, new CostSettings().Build(Task.Cost, 4, 1), o, new Random(seed), Task);

    [Fact]
    public void SequentialHalving_M16N32_VisitsFourFourFourFourTwoTwoTwoTwoThenOneTimesEight()
    {
        int[] expected = [4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal(expected, SequentialHalving.FinalVisits(16, 32));
        // The planner's root spends its budget the same way whatever the ranking turns out to be.
        var planner = Bandit(new MctsOptions { Simulations = 32, DiscreteActions = 16, ConsideredActions = 16 }, noise: 0.3, seed: 5, out _);
        planner.Act([0f], new float[1]);
        Assert.Equal(expected, planner.Tree.Visits.AsSpan(0, 16).ToArray().OrderDescending());
    }

    [Theory]
    [InlineData(MctsRootSelection.Gumbel, 32)]
    // pUCT with uniform priors sticks to the first arm above the first-play value until sqrt(N) P c1 exceeds the
    // normalised Q range (about 160 pulls for 16 arms), so it needs a larger budget than Gumbel's halving.
    [InlineData(MctsRootSelection.Puct, 1000)]
    public void Bandit_WithKnownArmValues_SendsTheBestArm(MctsRootSelection root, int simulations)
    {
        // 16 arms on [0, 1] (a = i / 15), value 1 - |a - 0.6|: best arm 9, its neighbours 1/15 worse.
        var planner = Bandit(new MctsOptions { Simulations = simulations, DiscreteActions = 16, Root = root, Candidates = 3 }, noise: 0, seed: 1, out _);
        var action = new float[1];
        planner.Act([0f], action);
        Assert.Equal(9 / 15f, action[0], 5);
        Assert.Equal(9 / 15f, planner.Candidates[0], 5);       // the sent action heads the gate's candidates
        Assert.Equal(3, planner.Candidates.Length);
        Assert.InRange(planner.BestCost, -1.05f, -0.95f);
    }

    [Theory]
    [InlineData(MctsRootSelection.Gumbel)]
    [InlineData(MctsRootSelection.Puct)]
    public void RootVisitCounts_SumToTheSimulationBudget(MctsRootSelection root)
    {
        var planner = Cartpole(new MctsOptions { Simulations = 48, Root = root, Horizon = 10 });
        planner.Act([0.01f, 0f, 0.03f, 0f], new float[1]);
        Assert.Equal(48, planner.Tree.Visits[0] + planner.Tree.Visits[1]);
        Assert.Equal(48, planner.Tree.NodeVisits[0]);
        Assert.True(planner.Tree.Count > 10, $"tree nodes {planner.Tree.Count}");   // it went deeper than the root
    }

    [Fact]
    public void SampledMcts_DrawsKActionsPerNode_InsideTheBox()
    {
        var env = new Pendulum();
        var o = new MctsOptions { Simulations = 40, SampledActions = 6, Rollouts = 2, Horizon = 5 };
        var planner = new MctsPlanner(new TruePendulumModel(o.MaxBatch), env.ActionSpace, new CostSettings().Build(env.Cost, 3, 1), o, new Random(3));
        var action = new float[1];
        planner.Act([0f, 1f, 0.5f], action);
        Assert.Equal(6, planner.Branching);
        int slots = planner.Tree.Count * 6;
        float[] drawn = planner.Tree.Actions.AsSpan(0, slots).ToArray();
        Assert.All(drawn, a => Assert.InRange(a, -2f, 2f));
        Assert.True(drawn.Distinct().Count() > slots * 9 / 10, "sampled afresh at each node");
        Assert.InRange(action[0], -2f, 2f);
        Assert.Contains(action[0], drawn.AsSpan(0, 6).ToArray());   // one of the root's samples is sent
    }

    [Fact]
    public void SameSeed_GivesTheSamePlans_AnotherSeedAnotherSearch()
    {
        var o = new MctsOptions { Simulations = 24, Horizon = 8 };
        float[] Run(int seed, out int[] visits)
        {
            var p = Cartpole(o, seed);
            var env = new Cartpole(seed: 2);
            var obs = new float[4];
            env.Reset(7, obs);
            var sent = new float[20];
            var a = new float[1];
            for (int t = 0; t < 20; t++) { p.Act(obs, a); sent[t] = a[0]; env.Step(a, obs); }
            visits = p.Tree.Visits.AsSpan(0, 2 * p.Tree.Count).ToArray();
            return sent;
        }
        Assert.Equal(Run(11, out var v1), Run(11, out var v2));
        Assert.Equal(v1, v2);
        Run(12, out var v3);
        Assert.NotEqual(v1, v3);
    }

    [Theory]
    [InlineData(MctsRootSelection.Gumbel, false)]
    [InlineData(MctsRootSelection.Puct, true)]
    public void Act_AllocatesNothing_AfterWarmup(MctsRootSelection root, bool training)
    {
        var planner = Cartpole(new MctsOptions { Simulations = 32, Root = root, Training = training, Horizon = 10 });
        float[] obs = [0f, 0.1f, 0.02f, -0.1f], action = new float[1];
        planner.Act(obs, action);
        planner.Act(obs, action);
        Action window = () => { for (int i = 0; i < 30; i++) { planner.Act(obs, action); planner.Observe(action, SafetyDecision.Ok); } };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    [Fact]
    public async Task CartPole_WithTheTrueDynamics_BalancesFarLongerThanRandomPushes()
    {
        // Random pushes last about 22 steps. Random rollouts of 20 steps see the pole fall, not the cart's slow
        // drift to the end stop, so some episodes end there before 500 (measured: 323, 500, 500 with seed 1).
        var o = new MctsOptions { Simulations = 32, Horizon = 20, Rollouts = 8 };
        var planner = Cartpole(o, seed: 1);
        var env = new Cartpole();
        await using var driver = new LockstepEnvDriver(env, firstSeed: 3);
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var loop = new ControlLoop(driver, spec, planner, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 500 }, new FakeTimeProvider());
        var returns = new List<double>();
        for (int episode = 0; episode < 3; episode++)
        {
            var report = await loop.RunEpisodeAsync(episode, new ListSink(), default);
            Assert.Equal(report.Steps, report.Return, 3);     // +1 per step, the terminating one included
            returns.Add(report.Return);
        }
        Assert.True(returns.Average() >= 300, $"returns {string.Join(", ", returns)}");
    }

    [Theory]
    // CartPole-v1's "solved" threshold is a mean return of 475; pendulum's issue threshold -200.
    [InlineData("cartpole", 2, 32, 20, 8, 475)]
    [InlineData("pendulum", 5, 32, 15, 4, -200)]
    public void TrueDynamics_TenEpisodes_MeanReturnReachesTheThreshold(string id, int actions, int simulations, int horizon, int rollouts, double threshold)
    {
        // One simulation at a time, the draw order this seed was set with. Batched rounds are the same search with other
        // draws: at generator seeds 1-6 cartpole gave 467.8, 461.1, 499.6, 477.9, 479.4, 474.5 (mean 476.7) batched and
        // 484.6, 483.2, 489.6, 474.2, 481.5, 479.0 (482.0) one at a time: this budget sits at the threshold either way.
        var o = new MctsOptions { Simulations = simulations, Horizon = horizon, Rollouts = rollouts, DiscreteActions = actions, BatchRounds = false };
        IEnvironment env = id == "cartpole" ? new Cartpole(3) : new Pendulum(3);
        ITaskDefinition task = id == "cartpole" ? Task : new PendulumTask();
        IBatchedWorldModel model = id == "cartpole" ? new TrueCartpoleModel(o.MaxBatch) : new TruePendulumModel(o.MaxBatch);
        var planner = new MctsPlanner(model, env.ActionSpace, new CostSettings().Build(task.Cost, env.ObservationSpace.Dimension, 1), o, new Random(1), task);
        var obs = new float[env.ObservationSpace.Dimension];
        var action = new float[1];
        var returns = new List<double>();
        for (int episode = 0; episode < 10; episode++)
        {
            env.Reset(null, obs);
            planner.Reset();
            double ret = 0;
            for (bool done = false; !done;)
            {
                planner.Act(obs, action);
                var r = env.Step(action, obs);
                ret += r.Reward;
                done = r.Done;
            }
            returns.Add(ret);
        }
        Assert.True(returns.Average() >= threshold, $"{id}: mean {returns.Average():F1} over [{string.Join(", ", returns.Select(x => x.ToString("F0")))}]");
    }

    [Fact]
    public void Options_Validate_NamesTheBadSetting()
    {
        Assert.Contains("simulations", Assert.Throws<ArgumentException>(() => new MctsOptions { Simulations = 0 }.Validate()).Message);
        Assert.Contains("discount", Assert.Throws<ArgumentException>(() => new MctsOptions { Discount = 1.5f }.Validate()).Message);
        Assert.Contains("max branching", Assert.Throws<ArgumentException>(() =>
            new MctsActionSet(new BoxSpace([-1f, -1f, -1f], [1f, 1f, 1f], ["a", "b", "c"]), new MctsOptions { DiscreteActions = 5 }, new Random())).Message);
        Assert.Contains("particle", Assert.Throws<ArgumentException>(() =>
            new PlannerBudget { Particles = ParticleMode.RandomMember }.OptionsFor(PlannerKind.Mcts)).Message);
    }

    [Fact]
    public void DiscreteGrid_SpansTheBoxEvenly_TwoValuesBeingCartPolesPushes()
    {
        var five = new MctsActionSet(new Pendulum().ActionSpace, new MctsOptions { DiscreteActions = 5 }, new Random());
        var a = new float[5];
        five.Fill(a);
        Assert.Equal([-2f, -1f, 0f, 1f, 2f], a);
        var two = new MctsActionSet(new Cartpole().ActionSpace, new MctsOptions(), new Random());
        var b = new float[2];
        two.Fill(b);
        Assert.Equal([0f, 1f], b);
    }

    private static MctsPlanner Bandit(MctsOptions o, double noise, int seed, out BanditModel model)
    {
        model = new BanditModel(o.MaxBatch, noise, seed);
        return new MctsPlanner(model, new BoxSpace([0f], [1f], ["arm"]), [new LearnedRewardCost()], o, new Random(seed), new OneStepTask());
    }

    /// <summary>Every step ends the episode: one pull per simulation.</summary>
    private sealed class OneStepTask : ITaskDefinition
    {
        public string Id => "bandit";
        public IAnalyticCost Cost => throw new NotSupportedException();
        public float[] SafeAction => [0f];
        public int MaxEpisodeSteps => 1;
        public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>();
        public bool IsTerminal(ReadOnlySpan<float> obs) => true;
    }

    /// <summary>A bandit as a world model: reward 1 - |a - 0.6| plus seeded Gaussian noise; the state does not change.</summary>
    private sealed class BanditModel(int maxBatch, double noise, int seed) : IBatchedWorldModel
    {
        private readonly float[] _obs = new float[maxBatch], _act = new float[maxBatch], _next = new float[maxBatch];
        private readonly float[] _reward = new float[maxBatch], _dis = new float[maxBatch];
        private readonly GaussianSampler _g = new(new Random(seed + 100));
        public int ObsDim => 1;
        public int ActDim => 1;
        public int Members => 1;
        public int MaxBatch => maxBatch;
        public Span<float> ObsInput(int n) => _obs.AsSpan(0, n);
        public Span<float> ActionInput(int n) => _act.AsSpan(0, n);
        public ReadOnlySpan<float> NextObsMean(int n) => _next.AsSpan(0, n);
        public ReadOnlySpan<float> NextObsMembers(int n) => _next.AsSpan(0, n);
        public ReadOnlySpan<float> Reward(int n) => _reward.AsSpan(0, n);
        public ReadOnlySpan<float> Disagreement(int n) => _dis.AsSpan(0, n);
        public void Run(int n)
        {
            for (int p = 0; p < n; p++) _reward[p] = 1f - MathF.Abs(_act[p] - 0.6f) + (float)(noise * _g.Next());
        }
    }
}
