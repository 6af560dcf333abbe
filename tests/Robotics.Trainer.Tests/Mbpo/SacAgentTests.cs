using Robotics.Trainer.Models;
using Robotics.Trainer.Native;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Sac;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.Mbpo;

/// <summary>SAC's update on a one-step toy problem: reward -(a - 0.5 s)^2, every step terminal, so Q(s, a) is the reward.</summary>
public sealed class SacAgentTests
{
    private static (SacAgent Agent, float[] CriticLosses) Train(int updates, int seed)
    {
        TorchSetup.Ensure(1);
        var agent = new SacAgent(1, 1, new SacOptions { Hidden = 32, BatchSize = 64, ActorLearningRate = 3e-3f, CriticLearningRate = 3e-3f, AlphaLearningRate = 3e-3f }, seed);
        var rng = new Random(seed);
        var replay = new ReplayBuffer(2000, 1, 1);
        for (int i = 0; i < 2000; i++)
        {
            float s = (float)(rng.NextDouble() * 2 - 1), a = (float)(rng.NextDouble() * 2 - 1);
            replay.Add([s], [a], -(a - 0.5f * s) * (a - 0.5f * s), [s], terminal: true);
        }
        agent.SetObservationNormalizer(Standardizer.Fit(replay.Observations, 1));
        var batch = new TransitionBatch(64, 1, 1);
        var losses = new float[updates];
        for (int u = 0; u < updates; u++)
        {
            replay.SampleInto(64, rng, batch, 0);
            losses[u] = agent.Update(batch).Critic;
        }
        return (agent, losses);
    }

    [Fact]
    public void Update_FitsTheCriticAndMovesTheActorToTheBestAction()
    {
        var (agent, losses) = Train(1500, 0);
        using (agent)
        {
            Assert.True(losses[^100..].Average() < 0.2 * losses[..100].Average(), $"critic loss {losses[..100].Average():G3} -> {losses[^100..].Average():G3}");
            float[] states = [-0.8f, -0.3f, 0.2f, 0.7f];
            using Tensor a = agent.Act(tensor(states, [4, 1]), deterministic: true);
            float[] actions = a.data<float>().ToArray();
            for (int i = 0; i < 4; i++) Assert.InRange(actions[i], 0.5f * states[i] - 0.2f, 0.5f * states[i] + 0.2f);
            Assert.True(agent.Alpha < 1f, $"alpha {agent.Alpha} should fall below its start with target entropy -1");
        }
    }

    [Fact]
    public void SameSeed_GivesTheSameUpdates_AndAnotherSeedDiffers()
    {
        var (a, la) = Train(50, 4);
        var (b, lb) = Train(50, 4);
        var (c, lc) = Train(50, 5);
        a.Dispose(); b.Dispose(); c.Dispose();
        Assert.Equal(la, lb);
        Assert.NotEqual(la, lc);
    }
}
