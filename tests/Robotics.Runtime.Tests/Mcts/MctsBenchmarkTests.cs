using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Runtime.Benchmarks;

namespace Robotics.Runtime.Tests.Mcts;

public class MctsBenchmarkTests
{
    [Fact]
    public void MctsCartpoleBench_PlansOverTheOnnxEnsemble_AllocatingNothingPerPlan()
    {
        BenchJson result = PlannerBenchmark.Run(new PlannerBenchOptions { Config = "mcts-cartpole-rt", Plans = 5, Threads = 1 }, NullLogger.Instance);
        using var doc = JsonDocument.Parse(result.ToString());
        var root = doc.RootElement;
        Assert.Equal("mcts", root.GetProperty("planner").GetString());
        Assert.Equal(2, root.GetProperty("actions").GetInt32());
        Assert.Equal(20, root.GetProperty("control_period_ms").GetDouble());
        Assert.True(root.GetProperty("plan_ms_median").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("alloc_bytes_per_plan").GetInt64());
    }

    [Fact]
    public void BenchOptions_RefuseAnUnknownConfig_ListingTheMctsOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlannerBenchOptions { Config = "mcts-moon" }.Validate());
        Assert.Contains("mcts-cartpole-rt", e.Message);
    }
}
