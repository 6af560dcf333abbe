using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>What one episode of the control loop did; <c>Transitions</c> holds the recording when recording was on;
/// <c>Interventions</c> counts commands the gate did not pass unchanged (decision != ok, the vetoed column).</summary>
public sealed record EpisodeReport(
    long Episode,
    int Steps,
    double Return,
    bool Terminated,
    bool Truncated,
    int Interventions,
    TimingSummary Timing,
    Episode? Transitions);
