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
        Kind = ModelKinds.LatentMpc,
        Algo = "tdmpc2",
        EnvId = env.Id,
        ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
        ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
        ControlPeriodSeconds = env.ControlPeriod.TotalSeconds,
        TrainingDataDigest = digest,
        TrainingTransitions = transitions,
        TrainerVersion = OnnxExporter.TrainerVersion,
        Metrics = new Dictionary<string, double>
        {
            ["discount"] = p.Discount, ["horizon"] = o.Horizon, ["latent_dim"] = p.LatentDim, ["mlp_dim"] = o.Model.MlpDim,
            ["q_heads"] = p.QHeads, ["bins"] = p.Bins,
        },
        Graphs = new Dictionary<string, string>
        {
            [GraphRoles.Encoder] = ModelCard.ThisFile,
            [GraphRoles.Dynamics] = LatentGraphNames.NextFile,
            [GraphRoles.Reward] = LatentGraphNames.RewardFile,
            [GraphRoles.Value] = LatentGraphNames.QFile,
            [GraphRoles.Policy] = LatentGraphNames.PiFile,
            [LatentGraphNames.PlanValueRole] = LatentGraphNames.ValueFile,
            [LatentGraphNames.PlanPolicyRole] = LatentGraphNames.PolicyRolloutFile,
        },
    }.Validate();

    /// <summary>Not real-time. Writes the seven graphs into <paramref name="dir"/> (created); DIR/model.onnx is what --model names.</summary>
    public static void Write(LatentModelParameters p, ModelCard card, int horizon, string dir)
    {
        Directory.CreateDirectory(dir);
        // The card lives in the encoder's file (model.onnx, what --model names); siblings say what they are.
        var meta = new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() };
        static Dictionary<string, string> Role(string role) => new() { ["robotics.role"] = role };
        Save(LatentGraphs.Encode(p, meta), dir, LatentGraphNames.EncodeFile);
        Save(LatentGraphs.Next(p, Role(GraphRoles.Dynamics)), dir, LatentGraphNames.NextFile);
        Save(LatentGraphs.Reward(p, Role(GraphRoles.Reward)), dir, LatentGraphNames.RewardFile);
        Save(LatentGraphs.Q(p, Role(GraphRoles.Value)), dir, LatentGraphNames.QFile);
        Save(LatentGraphs.Pi(p, Role(GraphRoles.Policy)), dir, LatentGraphNames.PiFile);
        Save(LatentGraphs.Value(p, horizon, Role(LatentGraphNames.PlanValueRole)), dir, LatentGraphNames.ValueFile);
        Save(LatentGraphs.PolicyRollout(p, horizon, Role(LatentGraphNames.PlanPolicyRole)), dir, LatentGraphNames.PolicyRolloutFile);
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
