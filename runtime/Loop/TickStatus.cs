namespace Robotics.Runtime.Loop;

/// <summary>What one <see cref="ControlLoop.Tick"/> did.</summary>
public enum TickStatus : byte
{
    /// <summary>No state newer than the last one: nothing planned or sent.</summary>
    NoNewState,
    /// <summary>Read a state, planned, gated and wrote a command.</summary>
    Commanded,
    /// <summary>Read a state that ends the episode (or hit the step limit): nothing sent.</summary>
    EpisodeEnded,
    /// <summary>Answered with the safe action after too many faulted ticks in a row: the run must end.</summary>
    Failed,
}
