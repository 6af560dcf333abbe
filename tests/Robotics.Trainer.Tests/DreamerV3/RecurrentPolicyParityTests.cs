using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Onnx.Recurrent;
using Robotics.Runtime.Controllers.RecurrentPolicy;
using Robotics.Runtime.Models;
using Robotics.Sim.Environments;
using Robotics.Trainer.DreamerV3;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.Tests.DreamerV3;

/// <summary>
/// The exported step graph and the runtime's recurrent-policy controller against the trainer's TorchSharp agent:
/// per tick given the same inputs, and over whole recorded episodes with the belief carried across ticks.
/// </summary>
public sealed class RecurrentPolicyParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dreamer-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OnnxRecurrentPolicy Load(string dir) =>
        OnnxRecurrentPolicy.Load(ModelFile.Read(Path.Combine(dir, RecurrentPolicyGraphNames.PolicyFile)),
                                 new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1 }, NullLogger.Instance);

    [Fact]
    public void StepGraph_AgreesWithTheTorchSharpModules_OnEveryOutput()
    {
        using var tiny = new TinyDreamer();
        var env = EnvironmentRegistry.Create("pendulum-pos");
        var agent = tiny.Agent(1);
        DreamerV3Export.Write(agent.ExportParameters(), env, "test", 0, new Dictionary<string, double>(), _dir);
        using var onnx = Load(_dir);
        var rng = new Random(3);
        float[] unit = new float[1];
        int latentsDiffering = 0;
        for (int t = 0; t < 40; t++)
        {
            float[] obs = [(float)(rng.NextDouble() * 4 - 2), (float)(rng.NextDouble() * 4 - 2)];
            float[] uz = [.. Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble())];
            float[] ua = [(float)(rng.NextDouble() * 2 - 1)];
            // The graph's inputs are the agent's state before the step.
            float[] deter = agent.Deter, stoch = agent.Stoch, prev = agent.PreviousAction;
            if (t == 0) agent.BeginEpisode();
            agent.Step(obs, uz, ua, unit);
            obs.CopyTo(onnx.Obs, 0); onnx.IsFirst[0] = t == 0 ? 1 : 0;
            deter.CopyTo(onnx.Deter, 0); stoch.CopyTo(onnx.Stoch, 0); prev.CopyTo(onnx.PrevAction, 0);
            uz.CopyTo(onnx.StochNoise, 0); ua.CopyTo(onnx.ActionNoise, 0);
            onnx.Run();
            float[] d = agent.Deter;
            for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(d[i] - onnx.NextDeter[i]) < 1e-5f, $"tick {t} deter[{i}] {d[i]} vs {onnx.NextDeter[i]}");
            if (!agent.Stoch.AsSpan().SequenceEqual(onnx.NextStoch)) latentsDiffering++;
            Assert.True(Math.Abs(unit[0] - onnx.Action[0]) < 1e-5f, $"tick {t} action {unit[0]} vs {onnx.Action[0]}");
            Assert.All(onnx.NextStoch, v => Assert.True(v == 0f || v == 1f));
            Assert.Equal(4f, onnx.NextStoch.Sum());
        }
        Assert.Equal(0, latentsDiffering);
    }

    [Fact]
    public void RuntimeController_ReproducesTheTrainersActions_OverWholeEpisodes()
    {
        using var tiny = new TinyDreamer();
        var env = EnvironmentRegistry.Create("pendulum-pos", seed: 5);
        var agent = tiny.Agent(seed: 42);
        DreamerV3Export.Write(agent.ExportParameters(), env, "test", 0, new Dictionary<string, double>(), _dir);
        var scaler = new ActionScaler(env.ActionSpace);

        // The trainer's agent drives two whole episodes; record what it saw and did.
        var episodes = new List<(List<float[]> Obs, List<float> Actions)>();
        float[] x = new float[2], unit = new float[1], envAction = new float[1];
        for (int e = 0; e < 2; e++)
        {
            var rec = (Obs: new List<float[]>(), Actions: new List<float>());
            env.Reset(100 + e, x);
            agent.BeginEpisode();
            for (int t = 0; t < env.MaxEpisodeSteps; t++)
            {
                rec.Obs.Add((float[])x.Clone());
                agent.Act(x, unit, deterministic: true);
                scaler.ToEnv(unit, envAction);
                rec.Actions.Add(envAction[0]);
                if (env.Step(envAction, x).Done) break;
            }
            episodes.Add(rec);
        }

        // The runtime controller, the same seed for its latent noise, replays the observations; the gate sent its action.
        using var controller = new RecurrentPolicyController(Load(_dir), env.ActionSpace, env.SafeAction, new Random(42));
        var action = new float[1];
        double worst = 0;
        int ticks = 0;
        foreach (var (obs, actions) in episodes)
        {
            controller.Reset();
            for (int t = 0; t < obs.Count; t++, ticks++)
            {
                controller.Act(obs[t], action);
                worst = Math.Max(worst, Math.Abs(action[0] - actions[t]));
                controller.Observe(action, SafetyDecision.Ok);
            }
        }
        Assert.Equal(400, ticks);
        Assert.True(worst <= 1e-4, $"largest action difference {worst:G3} over {ticks} ticks");
        Assert.True(episodes.SelectMany(e => e.Actions).Distinct().Count() > 50); // the policy really acts
    }

    [Fact]
    public void Controller_AdvancesWithTheSentAction_AndResetsAtEpisodeStart()
    {
        using var tiny = new TinyDreamer();
        var env = EnvironmentRegistry.Create("pendulum-pos");
        DreamerV3Export.Write(tiny.Agent(1).ExportParameters(), env, "test", 0, new Dictionary<string, double>(), _dir);
        float[] Run(float sent, bool reset)
        {
            using var c = new RecurrentPolicyController(Load(_dir), env.ActionSpace, env.SafeAction, new Random(9));
            var a = new float[1];
            c.Act([1f, 0f], a);
            c.Observe([sent], SafetyDecision.Clamped);
            if (reset) c.Reset();
            c.Act([0.9f, 0.1f], a);
            return c.Deter.ToArray();
        }
        // A different sent action changes the next belief; after a reset it does not matter.
        Assert.NotEqual(Run(-2f, reset: false), Run(2f, reset: false));
        Assert.Equal(Run(-2f, reset: true), Run(2f, reset: true));
    }

    [Fact]
    public void ControllerTick_AllocatesNothing()
    {
        using var tiny = new TinyDreamer();
        var env = EnvironmentRegistry.Create("pendulum-pos");
        DreamerV3Export.Write(tiny.Agent(1).ExportParameters(), env, "test", 0, new Dictionary<string, double>(), _dir);
        using var c = new RecurrentPolicyController(Load(_dir), env.ActionSpace, env.SafeAction, new Random(9));
        float[] obs = [1f, 0f], a = new float[1];
        void Ticks(int n)
        {
            for (int t = 0; t < n; t++)
            {
                if (t % 200 == 0) c.Reset();
                obs[0] = MathF.Cos(t * 0.1f); obs[1] = MathF.Sin(t * 0.1f);
                c.Act(obs, a);
                c.Observe(a, SafetyDecision.Ok);
            }
        }
        Ticks(100);
        Action window = () => Ticks(1000);
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
