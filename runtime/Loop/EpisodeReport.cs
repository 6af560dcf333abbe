using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>What one episode of the control loop did; <c>Transitions</c> holds the recording when recording was on.</summary>
public sealed record EpisodeReport(
    long Episode,
    int Steps,
    double Return,
    bool Terminated,
    bool Truncated,
    int Vetoes,
    TimingSummary Timing,
    Episode? Transitions);
