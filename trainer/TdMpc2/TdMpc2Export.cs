using Robotics.Core.Models;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Latent;
using Robotics.Sim.Environments;
using Robotics.Trainer.Export;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// The trained world model for the runtime: its weights as core's <see cref="LatentModelParameters"/>, written
/// by core's <see cref="LatentGraphs"/> into DIR: the primitives (encode, next, reward, q, pi) and the
/// planner's fused graphs (plan-value for the planner's horizon, plan-policy), each with the model card.
/// </summary>
internal static class TdMpc2Export
{
    public static LatentModelParameters Parameters(LatentWorldModel m, float discount) => new()
    {
        ObsDim = m.ObsDim, ActDim = m.ActDim, LatentDim = m.Options.LatentDim, SimNormDim = m.Options.SimNormDim,
        Bins = m.Options.Bins, VMin = m.Options.VMin, VMax = m.Options.VMax,
        LogStdMin = m.Options.LogStdMin, LogStdMax = m.Options.LogStdMax, Discount = discount,
        Encoder = Mlp(m.Encoder), Dynamics = Mlp(m.Dynamics), Reward = Mlp(m.Reward), Policy = Mlp(m.Policy), Qs = Mlp(m.Qs),
    };

    public static ModelCard Card(LatentModelParameters p, TdMpc2Options o, IEnvironment env, string digest, long transitions) => new ModelCard
    {
        Algo = "tdmpc2",
        EnvId = env.Id,
        ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
        ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
        ControlPeriodSeconds = env.ControlPeriod.TotalSeconds,
        EnsembleSize = p.QHeads,
        Elites = p.QHeads,
        TrainingDataDigest = digest,
        TrainingTransitions = transitions,
        Metrics = new Dictionary<string, double>
        {
            ["discount"] = p.Discount, ["horizon"] = o.Horizon, ["latent_dim"] = p.LatentDim, ["mlp_dim"] = o.Model.MlpDim,
            ["q_heads"] = p.QHeads, ["bins"] = p.Bins,
        },
        TrainerVersion = OnnxExporter.TrainerVersion,
        // The Q heads' disagreement is not calibrated yet: the gate's uncertainty veto stays off for this model.
        DisagreementP99 = 0,
        DisagreementMax = 0,
        Capabilities = ["latent-mpc"],
    }.Validate();

    /// <summary>Not real-time. Writes the seven graphs into <paramref name="dir"/> (created).</summary>
    public static void Write(LatentModelParameters p, ModelCard card, int horizon, string dir)
    {
        Directory.CreateDirectory(dir);
        var meta = new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() };
        Save(LatentGraphs.Encode(p, meta), dir, LatentGraphNames.EncodeFile);
        Save(LatentGraphs.Next(p, meta), dir, LatentGraphNames.NextFile);
        Save(LatentGraphs.Reward(p, meta), dir, LatentGraphNames.RewardFile);
        Save(LatentGraphs.Q(p, meta), dir, LatentGraphNames.QFile);
        Save(LatentGraphs.Pi(p, meta), dir, LatentGraphNames.PiFile);
        Save(LatentGraphs.Value(p, horizon, meta), dir, LatentGraphNames.ValueFile);
        Save(LatentGraphs.PolicyRollout(p, horizon, meta), dir, LatentGraphNames.PolicyRolloutFile);
    }

    private static void Save(OnnxModel model, string dir, string file)
    {
        string path = Path.Combine(dir, file), tmp = path + ".tmp";
        File.WriteAllBytes(tmp, model.Serialize());
        File.Move(tmp, path, overwrite: true);
    }

    private static LatentMlpParameters Mlp(NormedMlp net)
    {
        static float[] Data(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        return new LatentMlpParameters(net.Members, net.Dims, net.Head == MlpHead.SimNorm,
            [.. net.Weights.Select(Data)], [.. net.Biases.Select(Data)], [.. net.NormWeights.Select(Data)], [.. net.NormBiases.Select(Data)]);
    }
}
