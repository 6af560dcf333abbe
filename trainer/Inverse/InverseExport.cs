using Robotics.Core.Models;
using Robotics.Core.Onnx.Inverse;
using Robotics.Core.Tasks;
using Robotics.Trainer.Export;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// Writes a trained inverse model as one .onnx file built by core's <see cref="InverseDynamicsGraph"/>, with a card of
/// kind <c>inverse-dynamics</c> (graph role <c>inverse-dynamics</c> = this file, the ensemble section, the task, and the
/// held-out test metrics per action dimension).
/// </summary>
public static class InverseExport
{
    public static ModelCard Export(TrainedInverseModel model, ModelCardInputs inputs, string path)
    {
        ModelCard card = BuildCard(model, inputs);
        InverseDynamicsGraph.Build(model.ExtractParameters(), new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() },
            OnnxExporter.TrainerVersion).Save(path);
        return card;
    }

    public static ModelCard BuildCard(TrainedInverseModel model, ModelCardInputs inputs)
    {
        if (inputs.ObservationSpace.Dimension != model.ObsDim || inputs.ActionSpace.Dimension != model.ActDim)
            throw new ArgumentException($"the inverse model maps {model.ObsDim}-d observations to {model.ActDim}-d actions but '{inputs.EnvId}' declares " +
                                        $"{inputs.ObservationSpace.Dimension} and {inputs.ActionSpace.Dimension}");
        var metrics = new Dictionary<string, double>
        {
            ["epochs"] = model.History.Count,
            ["hidden_units"] = model.HiddenUnits,
            ["hidden_layers"] = model.HiddenLayers,
            ["validation_mse"] = model.Elites.Average(e => model.MemberValidationMse[e]),
            ["training_episodes"] = model.TrainingEpisodes,
            ["validation_episodes"] = model.ValidationEpisodes,
        };
        if (model.Test is { } t)
        {
            metrics["test_episodes"] = t.Episodes;
            metrics["test_transitions"] = t.Rows;
            for (int j = 0; j < model.ActDim; j++)
            {
                string name = inputs.ActionSpace.Names[j];
                metrics[$"test_mse.{name}"] = t.Mse[j];
                metrics[$"test_smse.{name}"] = t.StandardisedMse[j];
                metrics[$"test_smse_clipped.{name}"] = t.ClippedStandardisedMse[j];
            }
        }
        return new ModelCard
        {
            Kind = ModelKinds.InverseDynamics,
            Algo = "inverse",
            EnvId = inputs.EnvId,
            ObservationSpace = new CardSpace(inputs.ObservationSpace.Names, inputs.ObservationSpace.Low, inputs.ObservationSpace.High),
            ActionSpace = new CardSpace(inputs.ActionSpace.Names, inputs.ActionSpace.Low, inputs.ActionSpace.High),
            ControlPeriodSeconds = inputs.ControlPeriod.TotalSeconds,
            Graphs = new() { [GraphRoles.InverseDynamics] = ModelCard.ThisFile },
            Ensemble = new EnsembleSection(model.Members, model.Elites.Count),
            TrainingDataDigest = inputs.TrainingDataDigest,
            TrainingTransitions = model.TrainingTransitions + model.ValidationTransitions,
            Metrics = metrics,
            TrainerVersion = OnnxExporter.TrainerVersion,
            TaskCost = TaskLibrary.TryGet(inputs.EnvId, out var task) ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) } : null,
        }.Validate();
    }
}
