using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Runtime.Benchmarks;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Mcts;

public class MctsBenchmarkTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MctsCartpoleBench_PlansOverTheOnnxEnsemble_AllocatingNothingPerPlan(bool fused)
    {
        BenchJson result = PlannerBenchmark.Run(new PlannerBenchOptions { Config = "mcts-cartpole-rt", Plans = 5, Threads = 1, Fused = fused }, NullLogger.Instance);
        using var doc = JsonDocument.Parse(result.ToString());
        var root = doc.RootElement;
        Assert.Equal("mcts", root.GetProperty("planner").GetString());
        Assert.Equal(2, root.GetProperty("actions").GetInt32());
        Assert.Equal(20, root.GetProperty("control_period_ms").GetDouble());
        Assert.True(root.GetProperty("plan_ms_median").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("alloc_bytes_per_plan").GetInt64());
        Assert.Equal(fused, root.GetProperty("fused_leaf_rollouts").GetBoolean());
        Assert.Equal("random", root.GetProperty("model").GetString());
    }

    [Fact]
    public void MctsCartpoleBench_WithModel_PlansOverThatFile()
    {
        // A cart-pole-shaped file written like a PETS export (random weights, the bench's card).
        string dir = Path.Combine(Path.GetTempPath(), "mcts-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var spec = new Cartpole().ToSpec("bench");
            var p = Robotics.Core.Models.EnsembleParameters.CreateRandom(4, 1, 2, [16, 16], 8, false, new Random(1));
            string path = Path.Combine(dir, "iter-01.onnx");
            Robotics.Core.Onnx.Ensemble.EnsembleStepGraph.Build(p, new Dictionary<string, string>
                { [Robotics.Core.Models.ModelCard.MetadataKey] = (PlannerBenchmark.BenchCard(spec) with { Ensemble = new Robotics.Core.Models.EnsembleSection(2, 2) }).ToJson() }).Save(path);
            using var doc = JsonDocument.Parse(PlannerBenchmark.Run(new PlannerBenchOptions { Config = "mcts-cartpole-rt", Plans = 3, Threads = 1, ModelPath = path }, NullLogger.Instance).ToString());
            Assert.Equal(path, doc.RootElement.GetProperty("model").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("members").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("alloc_bytes_per_plan").GetInt64());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MctsCartpoleBench_TakesBudgetOverrides_AndCountsFewerModelCallsWithBatchedRounds()
    {
        JsonElement Run(bool batch)
        {
            var o = new PlannerBenchOptions { Config = "mcts-cartpole", Plans = 4, Threads = 1, Search = 8, Rollouts = 2, Horizon = 4, BatchRounds = batch };
            return JsonDocument.Parse(PlannerBenchmark.Run(o.Validate(), NullLogger.Instance).ToString()).RootElement.Clone();
        }
        var one = Run(false);
        var batched = Run(true);
        Assert.Equal(8, batched.GetProperty("simulations").GetInt32());
        Assert.Equal(2, batched.GetProperty("rollouts").GetInt32());
        Assert.Equal(4, batched.GetProperty("horizon").GetInt32());
        Assert.True(batched.GetProperty("batch_rounds").GetBoolean());
        // Root + 8 simulations one at a time (at most 9 of each kind); root + 4 rounds of both pushes batched (at most 5).
        // (terminal leaves take no call; the random-weight model predicts some).
        Assert.InRange(one.GetProperty("leaf_calls_per_plan").GetDouble(), 1, 9);
        Assert.InRange(batched.GetProperty("leaf_calls_per_plan").GetDouble(), 1, 5);
        Assert.True(batched.GetProperty("leaf_calls_per_plan").GetDouble() < one.GetProperty("leaf_calls_per_plan").GetDouble());
        Assert.True(batched.GetProperty("expand_calls_per_plan").GetDouble() <= 5);
        Assert.True(batched.GetProperty("leaf_ms_per_plan").GetDouble() > 0);
        Assert.Equal(0, batched.GetProperty("alloc_bytes_per_plan").GetInt64());
    }

    [Fact]
    public void BenchOptions_RefuseBudgetOverrides_ForTheSequencePlanners()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlannerBenchOptions { Config = "pets-rt", Search = 8 }.Validate());
        Assert.Contains("mcts configs only", e.Message);
    }

    [Fact]
    public void BenchOptions_RefuseAModel_ForTheSequencePlanners()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlannerBenchOptions { Config = "pets-rt", ModelPath = "/tmp/x.onnx" }.Validate());
        Assert.Contains("--model is for the mcts configs only", e.Message);
    }

    [Fact]
    public void BenchOptions_RefuseAnUnknownConfig_ListingTheMctsOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlannerBenchOptions { Config = "mcts-moon" }.Validate());
        Assert.Contains("mcts-cartpole-rt", e.Message);
    }
}
