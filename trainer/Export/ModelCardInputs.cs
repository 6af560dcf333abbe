using Robotics.Core.Spaces;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Export;

/// <summary>
/// What the model card needs that the trained ensemble does not know: the robot and the data
/// (<c>TrainingDataDigest</c> is the SHA-256 over the Parquet files, EpisodeReader.Digest).
/// </summary>
public sealed record ModelCardInputs(string EnvId, BoxSpace ObservationSpace, BoxSpace ActionSpace, TimeSpan ControlPeriod, string TrainingDataDigest)
{
    public static ModelCardInputs From(IEnvironment env, string trainingDataDigest) =>
        new(env.Id, env.ObservationSpace, env.ActionSpace, env.ControlPeriod, trainingDataDigest);
}
