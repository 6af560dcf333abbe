using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.Policy;
using Robotics.Runtime.Models;
using Robotics.Sim.Environments;
using Robotics.Tests.Support;
using Robotics.Trainer.Models;
using Robotics.Trainer.Native;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Sac;
using Robotics.Trainer.TdMpc2;
using Robotics.Trainer.Tests.Support;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.Mbpo;

/// <summary>
/// The exported policy acts as the trainer's deterministic policy: through the runtime's controller (ONNX Runtime
/// in .NET) and through onnxruntime-node, on states recorded from the pendulum, to 1e-4.
/// </summary>
public sealed class PolicyExportParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policy-parity-").FullName;
    private readonly SacAgent _agent;
    private readonly float[] _states;
    private readonly float[] _expected;
    private const int N = 64;

    public PolicyExportParityTests()
    {
        TorchSetup.Ensure(1);
        var env = new Pendulum(0);
        var data = RandomRollouts.Collect(env, 400, 3);
        _agent = new SacAgent(3, 1, new SacOptions { Hidden = 24 }, 1);
        var replay = new ReplayBuffer(400, 3, 1);
        foreach (var t in data) replay.Add(t.Obs, [t.Action[0] / 2f], t.Reward, t.NextObs, t.Terminated);
        _agent.SetObservationNormalizer(Standardizer.Fit(replay.Observations, 3));
        var batch = new TransitionBatch(32, 3, 1);
        var rng = new Random(0);
        for (int i = 0; i < 30; i++) { replay.SampleInto(32, rng, batch, 0); _agent.Update(batch); }
        _states = data.Skip(100).Take(N).SelectMany(t => t.Obs).ToArray();
        using Tensor unit = _agent.Act(tensor(_states, [N, 3]), deterministic: true);
        float[] u = unit.data<float>().ToArray();
        _expected = new float[N];
        var scaler = new ActionScaler(env.ActionSpace);
        for (int i = 0; i < N; i++) scaler.ToEnv(u.AsSpan(i, 1), _expected.AsSpan(i, 1));
        PolicyExport.Write(_agent, null, env, "sac", replay.Digest(), replay.Count, new Dictionary<string, double>(), _dir);
    }

    public void Dispose()
    {
        _agent.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string PolicyPath => Path.Combine(_dir, PolicyGraphNames.PolicyFile);

    [Fact]
    public void RuntimeController_ActsAsTheTrainersDeterministicPolicy()
    {
        var file = ModelFile.Read(PolicyPath);
        Assert.Equal(ModelKinds.Policy, file.Card.Kind);
        var spec = new Pendulum(0).ToSpec("parity");
        using var controller = ControllerRegistry.CreateDefault().Get(file.Card.Kind).Create(new ControllerContext
        {
            Model = file, Robot = spec, Options = new ControllerOptions { Threads = 1 }, Time = TimeProvider.System, Logger = NullLogger.Instance,
        });
        Assert.IsType<PolicyController>(controller);
        var action = new float[1];
        double worst = 0;
        for (int i = 0; i < N; i++)
        {
            controller.Act(_states.AsSpan(i * 3, 3), action);
            worst = Math.Max(worst, Math.Abs(action[0] - _expected[i]));
        }
        Assert.True(worst < 1e-4, $"largest difference {worst:G3}");
        Assert.True(_expected.Max() - _expected.Min() > 1e-3, "the states should not all map to one action");
    }

    [Fact]
    public void OnnxruntimeNode_ReproducesTheTrainersActions()
    {
        string input = Path.Combine(_dir, "input.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { obs_dim = 3, obs = _states }));
        using var doc = JsonDocument.Parse(Hyparquet.RunNode("run-policy.mjs", "onnxruntime-node", PolicyPath, input));
        double[] actions = doc.RootElement.GetProperty("action").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(N, actions.Length);
        for (int i = 0; i < N; i++) Assert.True(Math.Abs(actions[i] - _expected[i]) < 1e-4, string.Create(CultureInfo.InvariantCulture, $"row {i}: node {actions[i]} vs trainer {_expected[i]}"));
    }

    [Fact]
    public void PolicyGraph_ReportsTheGaussiansMeanAndBoundedLogStd()
    {
        var file = ModelFile.Read(PolicyPath);
        using var policy = OnnxPolicy.Load(file, N, new WorldModelOptions { MaxBatch = N, IntraOpThreads = 1 }, NullLogger.Instance);
        _states.CopyTo(policy.Obs, 0);
        policy.Run(N);
        for (int i = 0; i < N; i++)
        {
            Assert.Equal(_expected[i], 2f * MathF.Tanh(policy.Mean[i]), 4);
            Assert.InRange(policy.LogStd[i], -5f, 2f);
        }
    }
}
