namespace Robotics.Trainer.Models;

/// <summary>
/// One-step predictions for n rows, in raw (unnormalised) units except disagreement. The same quantities,
/// with the same names, as the exported ONNX step graph's outputs.
/// </summary>
/// <param name="NextObs">[n, obs]: mean over elites.</param>
/// <param name="Reward">[n]: mean over elites.</param>
/// <param name="NextObsMembers">[K, n, obs]: each elite's mean.</param>
/// <param name="Disagreement">[n]: max over elites of the L2 distance between the elite's and the elites' mean predicted observation change, in normalised units.</param>
public sealed record EnsemblePrediction(float[] NextObs, float[] Reward, float[] NextObsMembers, float[] Disagreement);
