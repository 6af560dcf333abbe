namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// What <see cref="EnvInteraction"/> and <see cref="PolicyEvaluation"/> ask of a learner: an action in [-1, 1] per
/// observation, stochastic while collecting and deterministic when evaluated, and a mark at each episode's start
/// (a recurrent agent resets its belief there; SAC keeps no state).
/// </summary>
public interface IActingAgent
{
    /// <summary>Not real-time. A new episode starts with the next <see cref="Act"/>.</summary>
    void BeginEpisode() { }

    void Act(ReadOnlySpan<float> obs, Span<float> unit, bool deterministic);

    /// <summary>A step the agent did not choose (a random seed step): <paramref name="unit"/> was sent in <paramref name="obs"/>.</summary>
    void FollowRandom(ReadOnlySpan<float> obs, ReadOnlySpan<float> unit) { }
}

/// <summary>Where <see cref="EnvInteraction"/> stores what it saw: transitions (SAC's replay) or whole episodes (sequence replay).</summary>
public interface IExperienceSink
{
    /// <summary>An episode starts at <paramref name="obs"/>.</summary>
    void BeginEpisode(ReadOnlySpan<float> obs) { }

    void Add(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> next, bool terminal);
}
