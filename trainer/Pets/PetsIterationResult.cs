namespace Robotics.Trainer.Pets;

/// <summary>
/// One row of the learning curve, plus what it cost. <c>EnvSteps</c> counts the environment steps in the
/// training data after this iteration's episodes; <c>EvalReturnStd</c> is the population standard
/// deviation over the evaluation episodes.
/// </summary>
public sealed record PetsIterationResult(
    int Iteration,
    long EnvSteps,
    double EvalReturnMean,
    double EvalReturnStd,
    double CollectReturn,
    double TrainSeconds,
    double ValidationMse,
    double PlanMsMedian,
    double PlanMsP99,
    double IterationSeconds,
    string ModelPath);
