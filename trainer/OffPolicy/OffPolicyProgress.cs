using Robotics.Trainer.Sac;

namespace Robotics.Trainer.OffPolicy;

/// <summary>Where an off-policy run (SAC, MBPO) stands, for the progress display.</summary>
public readonly record struct OffPolicyProgress(int Step, int TotalSteps, double? LastEvalReturn, double LastEpisodeReturn,
                                                SacLosses Losses, double StepsPerSecond, string Phase);
