using Robotics.Core.Tasks;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Perf;

/// <summary>A small random ensemble as a loaded step model and, for given costs, its fused rollout model.</summary>
public sealed class SmallEnsembleModels : IDisposable
{
    private readonly TempDir _dir = new();

    public SmallEnsembleModels(bool predictsReward, int maxBatch, int members = 3, int hidden = 16)
    {
        Parameters = ReferenceEnsemble.Small(predictsReward, members, hidden: hidden);
        string path = System.IO.Path.Combine(_dir.Path, "model.onnx");
        var card = ModelFiles.PendulumCard(members);
        EnsembleStepGraph.Build(Parameters, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }).Save(path);
        Options = new WorldModelOptions { MaxBatch = maxBatch, IntraOpThreads = 1, Provider = ProviderPreference.Cpu };
        Step = OnnxWorldModel.Load(path, ModelFiles.PendulumSpec(), Options);
    }

    public EnsembleParameters Parameters { get; }
    public WorldModelOptions Options { get; }
    public OnnxWorldModel Step { get; }

    /// <summary>With <paramref name="threads"/> > 1 and <paramref name="shard"/>, the candidates are split across threads.</summary>
    public OnnxRolloutModel Rollout(int horizon, CostSettings settings, int threads = 1, bool shard = true,
                                    EnsembleForward.Layout layout = EnsembleForward.Layout.PerMember, bool perCandidateStart = false,
                                    float discount = 1f, int minShard = 1) =>
        OnnxRolloutModel.Create(
            EnsembleRolloutGraph.Build(Parameters, horizon, RolloutCosts.For(settings, new PendulumCost())! with { Discount = discount }, layout: layout,
                                       perCandidateStart: perCandidateStart).Serialize(),
            "rollout(test)", Options with { IntraOpThreads = threads, ShardRollout = shard, MinShardCandidates = minShard });

    public void Dispose()
    {
        Step.Dispose();
        _dir.Dispose();
    }
}
