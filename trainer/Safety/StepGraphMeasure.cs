using Robotics.Core.Models;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Trainer.Export;

namespace Robotics.Trainer.Safety;

/// <summary>
/// Rewrites an ensemble step model so that its <c>disagreement</c> output is another measure
/// (<see cref="DisagreementMeasure"/>): the weights are read back from the file (core's
/// <see cref="EnsembleParametersReader"/>), the step graph is rebuilt by core's one builder, and the card's
/// <c>ensemble.disagreement</c> says which measure. The other outputs are unchanged. This is how a model exported
/// before issue 19 (max-member-l2) moves to total-std without retraining. Not real-time.
/// </summary>
public static class StepGraphMeasure
{
    /// <summary>Writes the rebuilt model to <paramref name="outPath"/> (atomically) and returns its card.</summary>
    public static ModelCard Rewrite(ModelFile file, DisagreementMeasure measure, string outPath)
    {
        ModelCard card = file.Card;
        if (card.Ensemble is null)
            throw new InvalidDataException($"'{file.Path}' is a {card.Kind} model without an ensemble section: no disagreement to change");
        string step = file.GraphPath(GraphRoles.Step);
        EnsembleParameters p = EnsembleParametersReader.FromStepModel(File.ReadAllBytes(step), card.ObsDim, card.ActDim, card.Ensemble.Measure,
                                   out string reason)
            ?? throw new InvalidDataException($"'{step}': {reason}");
        ModelCard rewritten = (card with { Ensemble = card.Ensemble with { Disagreement = measure.Name() } }).Validate();
        var rebuilt = new EnsembleParameters(p.ObsDim, p.ActDim, p.Members, [.. p.LayerSizes], [.. p.Weights], [.. p.Biases],
                                             p.InputMean, p.InputStd, p.OutputMean, p.OutputStd, p.PredictsReward) { Measure = measure };
        EnsembleStepGraph.Build(rebuilt, new Dictionary<string, string> { [ModelCard.MetadataKey] = rewritten.ToJson() },
            OnnxExporter.TrainerVersion, $"PETS ensemble one-step model, disagreement {measure.Name()} (rebuilt from '{Path.GetFileName(file.Path)}')")
            .Save(outPath);
        return rewritten;
    }
}
