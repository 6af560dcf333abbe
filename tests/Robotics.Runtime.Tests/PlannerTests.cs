using Microsoft.Extensions.Time.Testing;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

public class PlannerTests
{
    private static readonly PlannerBudget Budget = new() { Horizon = 15, Population = 200, Iterations = 3 };

    private static IPlanner Make(PlannerKind kind, TruePendulumModel model, PlannerBudget? budget = null, int seed = 0)
    {
        var env = new Pendulum();
        var costs = new CostSettings().Build(env.Cost, 3, 1);
        return PlannerFactory.Create((budget ?? Budget).OptionsFor(kind), model, env.ActionSpace, costs, new Random(seed));
    }

    [Theory]
    [InlineData(PlannerKind.Cem)]
    [InlineData(PlannerKind.Mppi)]
    [InlineData(PlannerKind.Icem)]
    public async Task Planner_SwingsUpPendulum_WithTheTrueDynamicsAsModel(PlannerKind kind)
    {
        var model = new TruePendulumModel(Budget.OptionsFor(kind).MaxBatch);
        var planner = Make(kind, model);
        var env = new Pendulum();
        await using var driver = new LockstepEnvDriver(env, firstSeed: 3);
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var sink = new ListSink();
        var loop = new ControlLoop(driver, spec, planner, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 200 }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, sink, default);

        Assert.Equal(200, report.Steps);
        // Upright and nearly still for the whole last quarter of the episode.
        foreach (var t in sink.Episodes[0].Transitions.Skip(150))
        {
            float th = MathF.Atan2(t.NextObs[1], t.NextObs[0]);
            Assert.True(MathF.Abs(th) < 0.15f && MathF.Abs(t.NextObs[2]) < 1f, $"{kind} step {t.Step}: theta {th}, thdot {t.NextObs[2]}");
        }
        Assert.True(report.Return > -400, $"{kind} return {report.Return}");
    }

    [Theory]
    [InlineData(PlannerKind.Cem)]
    [InlineData(PlannerKind.Mppi)]
    [InlineData(PlannerKind.Icem)]
    public void Act_AllocatesNothing_AfterWarmup(PlannerKind kind)
    {
        var model = new TruePendulumModel(Budget.OptionsFor(kind).MaxBatch);
        var planner = Make(kind, model, Budget with { Particles = ParticleMode.RandomMember });
        float[] obs = [-1f, 0f, 0f], action = new float[1];
        planner.Reset();
        planner.Act(obs, action);
        planner.Act(obs, action);
        Action window = () => { for (int i = 0; i < 20; i++) planner.Act(obs, action); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    [Theory]
    [InlineData(PlannerKind.Cem)]
    [InlineData(PlannerKind.Mppi)]
    [InlineData(PlannerKind.Icem)]
    public void Candidates_AreInBoundsAndTheBestFirst(PlannerKind kind)
    {
        var model = new TruePendulumModel(Budget.OptionsFor(kind).MaxBatch);
        var planner = Make(kind, model);
        float[] action = new float[1];
        planner.Reset();
        planner.Act([0.5f, 0.8f, 1f], action);
        ReadOnlySpan<float> c = planner.Candidates;
        Assert.Equal(5, c.Length);
        foreach (float v in c) Assert.InRange(v, -2f, 2f);
        Assert.InRange(action[0], -2f, 2f);
        Assert.True(float.IsFinite(planner.BestCost));
    }

    [Fact]
    public void Cem_WarmStartsFromThePreviousPlanShiftedByOneStep()
    {
        // Alpha 0.999 keeps the refit almost at the warm start, so the new plan is the old one shifted.
        var model = new TruePendulumModel(50);
        var env = new Pendulum();
        var options = new CemOptions { Horizon = 10, Population = 50, Elites = 5, Iterations = 1, Alpha = 0.999f, InitialStd = 0.01f };
        var planner = new CemPlanner(model, env.ActionSpace, new CostSettings().Build(env.Cost, 3, 1), options, new Random(0));
        float[] before = [1.0f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f];
        planner.LoadPlan(before);
        planner.Act([0f, 1f, 0f], new float[1]);
        float[] after = planner.Plan.ToArray();
        for (int t = 0; t < 9; t++) Assert.Equal(before[t + 1], after[t], 2);
        Assert.Equal(0f, after[9], 2);     // the new last step starts at the action-space centre
    }

    [Fact]
    public void Reset_ForgetsTheWarmStart()
    {
        var model = new TruePendulumModel(200);
        var planner = Make(PlannerKind.Cem, model);
        var a = new float[1];
        planner.Reset();
        planner.Act([0f, 1f, 2f], a);
        Assert.Contains(planner.Plan.ToArray(), v => v != 0f);
        planner.Reset();
        Assert.All(planner.Plan.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Options_Validate_NamesTheBadSetting()
    {
        Assert.Contains("elites", Assert.Throws<ArgumentException>(() => new CemOptions { Population = 10, Elites = 20 }.Validate()).Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => new MppiOptions { Temperature = 0 }.Validate()).Message);
        Assert.Contains("population decay", Assert.Throws<ArgumentException>(() => new IcemOptions { PopulationDecay = 0.5f }.Validate()).Message);
        Assert.Contains("horizon", Assert.Throws<ArgumentException>(() => new CemOptions { Horizon = 0 }.Validate()).Message);
    }

    [Fact]
    public void Scorer_RandomMemberMode_FollowsDifferentMembersPerParticle()
    {
        // Two members with very different gravity: identical sequences get different costs only when
        // particles follow random members; averaging gives every particle the same cost.
        var model = new TruePendulumModel(64, members: 2, spread: 1.0);
        var env = new Pendulum();
        float[] seq = new float[64 * 10], costAvg = new float[64], costRand = new float[64];
        var avg = new RolloutScorer(model, new CostSettings().Build(env.Cost, 3, 1), 10, 64, ParticleMode.Average, new Random(0));
        var rnd = new RolloutScorer(model, new CostSettings().Build(env.Cost, 3, 1), 10, 64, ParticleMode.RandomMember, new Random(0));
        avg.Score([0f, 1f, 0f], seq, 64, costAvg);
        rnd.Score([0f, 1f, 0f], seq, 64, costRand);
        Assert.Single(costAvg.Distinct());
        Assert.True(costRand.Distinct().Count() > 10);
    }

    [Fact]
    public void CostTerms_AddIntoOneSharedArray()
    {
        float[] cost = [1f, 1f];
        var x = new CostInputs(0, 2, new float[6], [1f, -1f], [0f, 1f], new float[6], [0.5f, -0.5f], [2f, 4f]);
        new UncertaintyPenalty(0.5f).Add(x, cost);
        Assert.Equal([2f, 3f], cost);
        new ActionRateCost(2f, 1).Add(x, cost);
        Assert.Equal([4f, 11f], cost);
        new LearnedRewardCost().Add(x, cost);
        Assert.Equal([3.5f, 11.5f], cost);
    }

    [Fact]
    public void Scorer_GivesNonFiniteRolloutsAHugeCost()
    {
        var model = new TruePendulumModel(4);
        var scorer = new RolloutScorer(model, [new UncertaintyPenalty(1f), new NanCost()], 3, 4, ParticleMode.Average, new Random(0));
        float[] cost = new float[4];
        scorer.Score([1f, 0f, 0f], new float[12], 4, cost);
        Assert.All(cost, c => Assert.Equal(RolloutScorer.InvalidCost, c));
    }

    private sealed class NanCost : ICostTerm
    {
        public void Add(in CostInputs x, Span<float> cost) { for (int p = 0; p < x.Count; p++) cost[p] += float.NaN; }
    }
}

public class ColoredNoiseTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(2f)]
    [InlineData(3.5f)]
    public void Samples_HaveUnitVariance(float beta)
    {
        var noise = new ColoredNoise(16, beta);
        var g = new GaussianSampler(new Random(1));
        double sum = 0, sq = 0; int n = 0;
        var x = new float[16];
        for (int i = 0; i < 4000; i++)
        {
            noise.Sample(g, x, 1);
            foreach (float v in x) { sum += v; sq += v * v; n++; }
        }
        double var = sq / n - (sum / n) * (sum / n);
        Assert.InRange(var, 0.9, 1.1);
    }

    [Fact]
    public void HigherBeta_GivesSmootherSequences()
    {
        Assert.True(Lag1(2f) > 0.6, $"beta 2 lag-1 correlation {Lag1(2f)}");
        Assert.InRange(Lag1(0f), -0.1, 0.1);
    }

    private static double Lag1(float beta)
    {
        var noise = new ColoredNoise(20, beta);
        var g = new GaussianSampler(new Random(2));
        var x = new float[20];
        double num = 0, den = 0;
        for (int i = 0; i < 3000; i++)
        {
            noise.Sample(g, x, 1);
            for (int t = 0; t < 19; t++) { num += x[t] * x[t + 1]; den += x[t] * x[t]; }
        }
        return num / den;
    }
}
