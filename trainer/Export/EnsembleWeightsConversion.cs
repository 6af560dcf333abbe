using Robotics.Core.Models;
using Robotics.Trainer.Models;

namespace Robotics.Trainer.Export;

/// <summary>Hands a trained ensemble's elites to core's graph builders, which know nothing of torch.</summary>
public static class EnsembleWeightsConversion
{
    /// <summary>The output layer holds the mean head only: obs_dim delta columns then the reward.</summary>
    public static EnsembleParameters ToParameters(this EnsembleWeights w, DisagreementMeasure measure)
    {
        int[] sizes = [w.LayerShapes[0].In, .. w.LayerShapes.Select(s => s.Out)];
        return new EnsembleParameters(w.ObsDim, w.ActDim, w.Elites, sizes, [.. w.LayerWeights], [.. w.LayerBiases],
            w.InputNormalizer.Mean, w.InputNormalizer.Std, w.OutputNormalizer.Mean, w.OutputNormalizer.Std, predictsReward: true)
        { Measure = measure };
    }
}
