using Robotics.Core.Tasks;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Perf;

public sealed class FusedRolloutTests
{
    private static float[] Sequences(int count, int horizon, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count * horizon).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float rel)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= rel * Math.Max(1, Math.Abs(expected[i])),
                $"[{i}]: step-by-step {expected[i]}, fused {actual[i]}");
    }

    [Theory]
    [InlineData(false, 0f, 0f)]
    [InlineData(false, 2.5f, 0.3f)]
    [InlineData(true, 0.7f, 0.1f)]
    public void FusedScore_EqualsStepByStepScore(bool learnedReward, float lambda, float actionRate)
    {
        const int count = 64, horizon = 12;
        using var models = new SmallEnsembleModels(learnedReward, count);
        var settings = new CostSettings { PreferLearnedReward = learnedReward, UncertaintyLambda = lambda, ActionRateWeight = actionRate };
        var costs = settings.Build(new PendulumCost(), 3, 1);
        var stepwise = new RolloutScorer(models.Step, costs, horizon, count, ParticleMode.Average, new Random(0));
        var fusedScorer = new RolloutScorer(models.Step, costs, horizon, count, ParticleMode.Average, new Random(0));
        using var rollout = models.Rollout(horizon, settings);
        fusedScorer.UseFusedRollout(rollout);
        stepwise.LastSent[0] = fusedScorer.LastSent[0] = 0.4f;
        float[] seq = Sequences(count, horizon, 1), obs0 = [0.6f, -0.8f, 1.3f];

        var expected = new float[count];
        var actual = new float[count];
        stepwise.Score(obs0, seq, count, expected);
        fusedScorer.Score(obs0, seq, count, actual);

        Assert.True(fusedScorer.IsFused);
        AssertClose(expected, actual, 1e-4f);
        // Smaller batches reuse the same graph through their own binding.
        stepwise.Score(obs0, seq, 5, expected);
        fusedScorer.Score(obs0, seq, 5, actual);
        AssertClose(expected.AsSpan(0, 5), actual.AsSpan(0, 5), 1e-4f);
    }

    [Fact]
    public void ExplorationBonus_LowersEveryScoreByBetaTimesDisagreement_FusedAndStepByStepAlike()
    {
        const int count = 32, horizon = 8;
        using var models = new SmallEnsembleModels(false, count);
        float[] seq = Sequences(count, horizon, 3), obs0 = [0.1f, 0.99f, -0.4f];
        float[] Score(float lambda, float beta, bool fused)
        {
            var settings = new CostSettings { UncertaintyLambda = lambda, ExplorationBonus = beta };
            var scorer = new RolloutScorer(models.Step, settings.Build(new PendulumCost(), 3, 1), horizon, count, ParticleMode.Average, new Random(0));
            using var rollout = fused ? models.Rollout(horizon, settings) : null;
            if (rollout is not null) scorer.UseFusedRollout(rollout);
            var scores = new float[count];
            scorer.Score(obs0, seq, count, scores);
            return scores;
        }
        float[] plain = Score(0, 0, false), penalised = Score(1, 0, false), explored = Score(0, 2, false);
        AssertClose(explored, Score(0, 2, true), 1e-4f);
        for (int p = 0; p < count; p++)
        {
            float d = penalised[p] - plain[p]; // 1 x summed disagreement
            Assert.True(d > 0);
            Assert.Equal(plain[p] - 2 * d, explored[p], 3);
        }
    }

    [Fact]
    public void LoopLayout_ScoresLikeTheUnrolledLayout()
    {
        const int count = 20, horizon = 6;
        var p = ReferenceEnsemble.Small(true);
        var cost = new Core.Onnx.Ensemble.RolloutCostOptions { UncertaintyLambda = 0.5f, ActionRateWeight = 0.2f };
        var options = new Models.WorldModelOptions { MaxBatch = count };
        using var unrolled = Models.OnnxRolloutModel.Create(Core.Onnx.Ensemble.EnsembleRolloutGraph.Build(p, horizon, cost).Serialize(), "u", options);
        using var loop = Models.OnnxRolloutModel.Create(Core.Onnx.Ensemble.EnsembleRolloutGraph.Build(p, horizon, cost,
            form: Core.Onnx.Ensemble.EnsembleRolloutGraph.Form.Loop).Serialize(), "l", options);
        AssertSameScores(unrolled, loop, count, Sequences(count, horizon, 4), [-0.2f, 0.98f, 0.5f], 0.1f, 1e-5f);
    }

    /// <summary>Both models score the same candidates alike: cost and disagreement.</summary>
    private static void AssertSameScores(Models.IRolloutModel expected, Models.IRolloutModel actual, int count, float[] seq, float[] obs0,
                                         float lastAction, float rel)
    {
        float[] a = new float[count], b = new float[count];
        expected.Score(obs0, seq, count, [lastAction], a);
        actual.Score(obs0, seq, count, [lastAction], b);
        AssertClose(a, b, rel);
        AssertClose(expected.Disagreement(count), actual.Disagreement(count), rel);
    }

    [Fact]
    public void PerMemberLayout_ScoresLikeTheBatchedLayout()
    {
        const int count = 24, horizon = 7;
        using var models = new SmallEnsembleModels(true, count);
        var settings = new CostSettings { PreferLearnedReward = true, UncertaintyLambda = 0.5f, ActionRateWeight = 0.2f };
        using var perMember = models.Rollout(horizon, settings);
        using var batched = models.Rollout(horizon, settings, layout: Core.Onnx.Ensemble.EnsembleForward.Layout.Batched);
        AssertSameScores(batched, perMember, count, Sequences(count, horizon, 6), [0.3f, 0.95f, -1.1f], 0.2f, 1e-5f);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ShardedRollout_ScoresLikeOneRun_ForEveryCandidateCount(int threads)
    {
        const int max = 23, horizon = 6;
        using var models = new SmallEnsembleModels(false, max);
        var settings = new CostSettings { UncertaintyLambda = 0.7f, ActionRateWeight = 0.1f };
        using var single = models.Rollout(horizon, settings, threads: 1);
        using var sharded = models.Rollout(horizon, settings, threads: threads);
        Assert.Equal(1, single.Shards);
        Assert.Equal(threads, sharded.Shards);
        float[] seq = Sequences(max, horizon, 8), obs0 = [0.9f, 0.43f, 2.0f];
        foreach (int count in new[] { 1, 2, 5, max, 7 }) // counts below, at and above the shard count; slices of uneven size
            AssertSameScores(single, sharded, count, seq, obs0, -0.3f, 1e-6f);
    }

    [Theory]
    [InlineData("cem")]
    [InlineData("mppi")]
    public void Planners_GiveTheSameActions_FusedOrStepByStep(string kind)
    {
        const int horizon = 10;
        PlannerOptions o = kind == "cem"
            ? new CemOptions { Population = 40, Elites = 5, Iterations = 3, Horizon = horizon }
            : new MppiOptions { Samples = 40, Iterations = 2, Horizon = horizon };
        using var models = new SmallEnsembleModels(false, o.MaxBatch);
        var settings = new CostSettings { UncertaintyLambda = 1f };
        var env = new Pendulum();
        using var rollout = models.Rollout(horizon, settings);
        var plain = PlannerFactory.Create(o, models.Step, env.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(9));
        var fused = (MpcPlanner)PlannerFactory.Create(o, models.Step, env.ActionSpace, settings.Build(env.Cost, 3, 1), new Random(9));
        fused.UseFusedRollout(rollout);

        float[] obs = [1f, 0f, 0f];
        env.Reset(4, obs);
        float[] a1 = new float[1], a2 = new float[1];
        for (int t = 0; t < 20; t++)
        {
            plain.Act(obs, a1);
            fused.Act(obs, a2);
            Assert.True(Math.Abs(a1[0] - a2[0]) <= 1e-4f, $"tick {t}: step-by-step {a1[0]}, fused {a2[0]}");
            Assert.True(Math.Abs(plain.BestCost - fused.BestCost) <= 1e-4f * Math.Max(1, Math.Abs(plain.BestCost)));
            env.Step(a1, obs);
        }
    }

    [Fact]
    public void UseFusedRollout_Refuses_AHorizonOrParticleModeItCannotServe()
    {
        using var models = new SmallEnsembleModels(false, 16);
        using var rollout = models.Rollout(8, new CostSettings());
        var costs = new CostSettings().Build(new PendulumCost(), 3, 1);
        var wrongHorizon = new RolloutScorer(models.Step, costs, 9, 16, ParticleMode.Average, new Random(0));
        Assert.Contains("horizon 8", Assert.Throws<ArgumentException>(() => wrongHorizon.UseFusedRollout(rollout)).Message);
        var ts1 = new RolloutScorer(models.Step, costs, 8, 16, ParticleMode.RandomMember, new Random(0));
        Assert.Contains("step-by-step", Assert.Throws<ArgumentException>(() => ts1.UseFusedRollout(rollout)).Message);
    }
}
