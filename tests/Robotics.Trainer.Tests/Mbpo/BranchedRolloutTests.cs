using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Mbpo;
using Robotics.Trainer.Models;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Sac;
using Robotics.Trainer.Tests.Support;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.Mbpo;

/// <summary>Branched rollouts: k steps from real states, cut at terminal states and (when asked) at high disagreement.</summary>
public sealed class BranchedRolloutTests : IDisposable
{
    private readonly TrainedEnsemble _model;
    private readonly SacAgent _agent = new(3, 1, new SacOptions { Hidden = 16 }, 0);
    private readonly ReplayBuffer _real = new(300, 3, 1);
    private readonly IEnvironment _env = new Pendulum(0);

    public BranchedRolloutTests()
    {
        var data = RandomRollouts.Collect(new Pendulum(0), 300, 1);
        _model = EnsembleTrainer.Train(data, new EnsembleOptions { Members = 3, Elites = 2, HiddenUnits = 16, HiddenLayers = 2, Epochs = 3, Threads = 1 });
        foreach (var t in data) _real.Add(t.Obs, [t.Action[0] / 2f], t.Reward, t.NextObs, t.Terminated);
    }

    public void Dispose() { _model.Dispose(); _agent.Dispose(); }

    private (RolloutStats Stats, ReplayBuffer Buffer) Roll(ITaskDefinition? task, double? stopAbove, int starts = 10, int k = 3)
    {
        var buffer = new ReplayBuffer(1000, 3, 1);
        using var noise = new Generator(3);
        var s = BranchedRollouts.Run(_model, _agent, _real, buffer, starts, k, _env.ActionSpace, task, stopAbove, new Random(2), noise);
        return (s, buffer);
    }

    [Fact]
    public void EveryBranch_RunsKSteps_WhenNothingEndsIt()
    {
        var (s, buffer) = Roll(null, null);
        Assert.Equal(30, s.Added);
        Assert.Equal(30, buffer.Count);
        Assert.Equal(0, s.Terminated);
        var batch = new TransitionBatch(30, 3, 1);
        buffer.SampleInto(30, new Random(0), batch, 0);
        Assert.All(batch.Obs.Concat(batch.Next).Concat(batch.Reward), v => Assert.True(float.IsFinite(v)));
        Assert.All(batch.Action, a => Assert.InRange(a, -1f, 1f));
    }

    [Fact]
    public void A_TerminalState_EndsItsBranch_AndIsStoredAsTerminal()
    {
        var (s, buffer) = Roll(new AlwaysTerminal(), null);
        Assert.Equal(10, s.Added);
        Assert.Equal(10, s.Terminated);
        var batch = new TransitionBatch(10, 3, 1);
        buffer.SampleInto(10, new Random(0), batch, 0);
        Assert.All(batch.Terminal, t => Assert.Equal(1f, t));
    }

    [Fact]
    public void DisagreementAboveTheThreshold_StopsTheBranch_AndDropsTheTransition()
    {
        var (none, _) = Roll(null, stopAbove: 0);
        Assert.Equal(0, none.Added);
        Assert.Equal(10, none.StoppedUncertain);
        var (all, _) = Roll(null, stopAbove: 1e9);
        Assert.Equal(30, all.Added);
        Assert.Equal(0, all.StoppedUncertain);
    }

    [Fact]
    public void Schedule_RisesLinearlyFromK0ToK1()
    {
        var s = new RolloutSchedule(100, 500, 1, 5);
        Assert.Equal(1, s.LengthAt(0));
        Assert.Equal(1, s.LengthAt(100));
        Assert.Equal(3, s.LengthAt(300));
        Assert.Equal(5, s.LengthAt(500));
        Assert.Equal(5, s.LengthAt(9000));
    }

    private sealed class AlwaysTerminal : ITaskDefinition
    {
        public string Id => "always-terminal";
        public IAnalyticCost Cost => throw new NotSupportedException();
        public float[] SafeAction => [0f];
        public int MaxEpisodeSteps => 10;
        public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>();
        public bool IsTerminal(ReadOnlySpan<float> obs) => true;
    }
}
