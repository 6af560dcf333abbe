namespace Robotics.Runtime.Planning;

/// <summary>How a candidate action sequence is propagated through the ensemble.</summary>
public enum ParticleMode
{
    /// <summary>Each step uses the mean of the members' predictions.</summary>
    Average,
    /// <summary>Each step follows one member drawn at random per particle (PETS "TS-1").</summary>
    RandomMember,
}
