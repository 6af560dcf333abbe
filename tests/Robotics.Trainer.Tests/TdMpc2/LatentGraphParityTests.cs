using Robotics.Core.Onnx.Latent;
using Robotics.Trainer.Tests.Onnx;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.TdMpc2;

/// <summary>Every exported graph computes what the TorchSharp modules compute, to 1e-5 (relative above 1).</summary>
public sealed class LatentGraphParityTests(TinyLatentModel tiny) : IClassFixture<TinyLatentModel>
{
    private const int N = 40;
    private readonly Random _rng = new(5);

    [Fact]
    public void Encode_MatchesTorch()
    {
        float[] obs = Uniform(N * 3, 3f);
        var onnx = Run(LatentGraphNames.EncodeFile, (LatentGraphNames.Obs, obs, [N, 3]));
        using var _ = NewDisposeScope();
        AssertClose(tiny.Model.Encode(tensor(obs, [N, 3])), onnx[LatentGraphNames.Z].Data);
    }

    [Fact]
    public void NextRewardAndQ_MatchTorch()
    {
        float[] z = Latents(N), a = Uniform(N, 1f);
        using var _ = NewDisposeScope();
        Tensor tz = tensor(z, [N, 16]), ta = tensor(a, [N, 1]);
        AssertClose(tiny.Model.Next(tz, ta), Run(LatentGraphNames.NextFile, (LatentGraphNames.Z, z, [N, 16]), (LatentGraphNames.Action, a, [N, 1]))[LatentGraphNames.NextZ].Data);
        AssertClose(tiny.Model.RewardValue(tz, ta), Run(LatentGraphNames.RewardFile, (LatentGraphNames.Z, z, [N, 16]), (LatentGraphNames.Action, a, [N, 1]))[LatentGraphNames.Reward].Data);
        AssertClose(tiny.Model.QValues(tz, ta), Run(LatentGraphNames.QFile, (LatentGraphNames.Z, z, [N, 16]), (LatentGraphNames.Action, a, [N, 1]))[LatentGraphNames.Q].Data);
    }

    [Fact]
    public void Pi_MatchesTorch_GivenTheSameNoise()
    {
        float[] z = Latents(N), eps = Gaussian(N);
        var onnx = Run(LatentGraphNames.PiFile, (LatentGraphNames.Z, z, [N, 16]), (LatentGraphNames.Eps, eps, [N, 1]));
        using var _ = NewDisposeScope();
        var pi = tiny.Model.Pi(tensor(z, [N, 16]), tensor(eps, [N, 1]));
        AssertClose(pi.Action, onnx[LatentGraphNames.PiAction].Data);
        AssertClose(pi.Mean, onnx[LatentGraphNames.PiMean].Data);
    }

    [Fact]
    public void FusedValue_MatchesThePlannersEstimate()
    {
        const int h = TinyLatentModel.Horizon;
        float[] z0 = Latents(1), actions = Uniform(h * N, 1f), eps = Gaussian(N);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(tiny.File(LatentGraphNames.ValueFile), options);
        using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var vz = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(z0, [1, 16]);
        using var va = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(actions, [h, N, 1]);
        using var ve = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(eps, [N, 1]);
        using var vq = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new long[] { 2, 0 }, [2]);
        using var outputs = session.Run(run, [LatentGraphNames.Z0, LatentGraphNames.Actions, LatentGraphNames.Eps, LatentGraphNames.QPair], [vz, va, ve, vq], [LatentGraphNames.Value]);
        float[] value = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        using var _ = NewDisposeScope();
        var planner = new Robotics.Trainer.TdMpc2.TdMpc2Planner(tiny.Model, new() { Horizon = h, Samples = N, PolicySamples = 4, Elites = 8 }, TinyLatentModel.Discount);
        Tensor expected = planner.EstimateValue(tensor(z0, [1, 16]).expand(N, -1), tensor(actions, [h, N, 1]), tensor(eps, [N, 1]), 0, 2);
        AssertClose(expected, value);
    }

    [Fact]
    public void FusedPolicyRollout_MatchesTorch()
    {
        const int h = TinyLatentModel.Horizon, p = 6;
        float[] z0 = Latents(1), eps = Gaussian(h * p);
        var onnx = Run(LatentGraphNames.PolicyRolloutFile, (LatentGraphNames.Z0, z0, [1, 16]), (LatentGraphNames.Eps, eps, [h, p, 1]));
        using var _ = NewDisposeScope();
        Tensor z = tensor(z0, [1, 16]).expand(p, -1), e = tensor(eps, [h, p, 1]);
        var steps = new Tensor[h];
        for (int t = 0; t < h; t++)
        {
            steps[t] = tiny.Model.Pi(z, e[t]).Action;
            z = tiny.Model.Next(z, steps[t]);
        }
        AssertClose(stack(steps), onnx[LatentGraphNames.Actions].Data);
    }

    [Theory]
    [InlineData(LatentGraphNames.EncodeFile)]
    [InlineData(LatentGraphNames.NextFile)]
    [InlineData(LatentGraphNames.RewardFile)]
    [InlineData(LatentGraphNames.QFile)]
    [InlineData(LatentGraphNames.PiFile)]
    [InlineData(LatentGraphNames.ValueFile)]
    [InlineData(LatentGraphNames.PolicyRolloutFile)]
    public void PythonChecker_AcceptsEveryGraph(string file) =>
        Assert.StartsWith("ok 8 17", PythonOnnxChecker.Check(tiny.File(file)));

    private Dictionary<string, OrtRunner.Tensor> Run(string file, params (string, float[], long[])[] inputs) =>
        OrtRunner.Run(System.IO.File.ReadAllBytes(tiny.File(file)), inputs);

    private static void AssertClose(Tensor expected, float[] actual)
    {
        float[] e = expected.detach().contiguous().data<float>().ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
        {
            float tol = 1e-5f * Math.Max(1f, Math.Abs(e[i]));
            Assert.True(Math.Abs(e[i] - actual[i]) <= tol, $"element {i}: torch {e[i]:R}, onnx {actual[i]:R} (tolerance {tol:G3})");
        }
    }

    private float[] Uniform(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(_rng.NextDouble() * 2 - 1) * scale).ToArray();

    private float[] Gaussian(int n) => Enumerable.Range(0, n).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble()))).ToArray();

    /// <summary>Real latents: encodings of random observations.</summary>
    private float[] Latents(int n)
    {
        using var _ = NewDisposeScope();
        return tiny.Model.Encode(tensor(Uniform(n * 3, 3f), [n, 3])).data<float>().ToArray();
    }
}
