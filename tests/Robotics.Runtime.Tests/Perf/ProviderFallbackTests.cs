using Microsoft.Extensions.Logging;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Tests.Perf;

public sealed class ProviderFallbackTests
{
    [Fact]
    public void RolloutModel_RunsOnCpu_AndSaysWhy_WhenCudaIsRequestedButUnavailable()
    {
        var p = ReferenceEnsemble.Small(false);
        var cost = RolloutCosts.For(new CostSettings(), new Robotics.Core.Tasks.PendulumCost())!;
        byte[] onnx = EnsembleRolloutGraph.Build(p, 4, cost).Serialize();
        var log = new Lines();
        using var cuda = OnnxRolloutModel.Create(onnx, "rollout", new WorldModelOptions { MaxBatch = 4, Provider = ProviderPreference.Cuda }, log);
        using var cpu = OnnxRolloutModel.Create(onnx, "rollout", new WorldModelOptions { MaxBatch = 4, Provider = ProviderPreference.Cpu }, new Lines());

        // This machine has no GPU: the CPU build says so, the GPU build fails to load CUDA and says so.
        Assert.Equal("cpu", cuda.Provider);
        Assert.Contains(log.All, l => l.Level == LogLevel.Warning && (l.Text.Contains("falling back to cpu") || l.Text.Contains("using cpu")));
        float[] obs = [0.3f, 0.9f, -1f], seq = [0.1f, -0.5f, 2f, 1f, -1f, 0, 0.3f, 0.2f, 1f, 1f, 1f, 1f, -2f, 2f, -2f, 2f];
        float[] a = new float[4], b = new float[4];
        cuda.Score(obs, seq, 4, [0f], a);
        cpu.Score(obs, seq, 4, [0f], b);
        Assert.Equal(b, a);
    }

    private sealed class Lines : ILogger
    {
        public List<(LogLevel Level, string Text)> All { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            All.Add((logLevel, formatter(state, exception)));
    }
}
