namespace Robotics.Trainer.Algorithms;

/// <summary>Progress after one training epoch.</summary>
/// <param name="Epoch">1-based epoch just finished.</param>
/// <param name="MaxEpochs">The configured upper bound.</param>
/// <param name="TrainNll">Mean Gaussian negative log-likelihood (constant dropped) over the epoch's minibatches and members.</param>
/// <param name="ValidationMse">Mean over members of the validation MSE of predicted means, normalised target units.</param>
/// <param name="BestValidationMse">Mean over members of each member's best validation MSE so far.</param>
/// <param name="Elapsed">Training time so far.</param>
public readonly record struct EpochReport(int Epoch, int MaxEpochs, double TrainNll, double ValidationMse, double BestValidationMse, TimeSpan Elapsed);
