namespace Robotics.Trainer.Models;

/// <summary>
/// One-step predictions for n rows, in raw (unnormalised) units except disagreement. The same quantities,
/// with the same names, as the exported ONNX step graph's outputs.
/// </summary>
/// <param name="NextObs">[n, obs]: mean over elites.</param>
/// <param name="Reward">[n]: mean over elites.</param>
/// <param name="NextObsMembers">[K, n, obs]: each elite's mean.</param>
/// <param name="Disagreement">[n]: by the options' measure, total-std (sqrt of the elites' per-dimension variances of the predicted observation change, summed) or max-member-l2 (max over elites of the L2 distance to the elites' mean), in normalised units.</param>
public sealed record EnsemblePrediction(float[] NextObs, float[] Reward, float[] NextObsMembers, float[] Disagreement);
