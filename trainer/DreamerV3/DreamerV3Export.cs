using Robotics.Core.Models;
using Robotics.Core.Onnx.Recurrent;
using Robotics.Core.Tasks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Export;

namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// The deployable recurrent policy: DIR/policy.onnx, core's <see cref="RecurrentPolicyGraph"/> (one control tick:
/// observation, is_first, recurrent state, previous action, noise -> next recurrent state, action) with a card of kind
/// <c>recurrent-policy</c> whose metrics give the state sizes (deter, stoch x classes) the runtime allocates.
/// </summary>
internal static class DreamerV3Export
{
    /// <summary>Not real-time. Writes DIR/policy.onnx atomically (DIR created); returns the card.</summary>
    public static ModelCard Write(RecurrentPolicyParameters p, IEnvironment env, string digest, long transitions,
                                  IReadOnlyDictionary<string, double> metrics, string dir)
    {
        Directory.CreateDirectory(dir);
        var card = new ModelCard
        {
            Kind = ModelKinds.RecurrentPolicy,
            Algo = "dreamerv3",
            EnvId = env.Id,
            ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
            ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
            ControlPeriodSeconds = env.ControlPeriod.TotalSeconds,
            TrainingDataDigest = digest,
            TrainingTransitions = transitions,
            TrainerVersion = OnnxExporter.TrainerVersion,
            Metrics = new Dictionary<string, double>(metrics)
            {
                ["deter"] = p.Deter, ["blocks"] = p.Blocks, ["stoch"] = p.Stoch, ["classes"] = p.Classes,
            },
            Graphs = new Dictionary<string, string> { [GraphRoles.Recurrent] = ModelCard.ThisFile },
            TaskCost = TaskLibrary.TryGet(env.Id, out var task) ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) } : null,
        }.Validate();
        string path = Path.Combine(dir, RecurrentPolicyGraphNames.PolicyFile), tmp = path + ".tmp";
        File.WriteAllBytes(tmp, RecurrentPolicyGraph.Build(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() },
                                                           OnnxExporter.TrainerVersion).Serialize());
        File.Move(tmp, path, overwrite: true);
        return card;
    }
}
