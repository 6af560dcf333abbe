using Robotics.Core.Robots;

namespace Robotics.Runtime.Demo;

/// <summary>What the console view shows at one moment, sampled from a <see cref="TelemetryTap"/>.</summary>
public readonly record struct DemoSample(
    int Episode, int Episodes, long Step, int MaxSteps, double AngleRad, float AngularVelocity, float Torque,
    SafetyDecision Decision, double Return, double TickMs)
{
    public double AngleDeg => AngleRad * 180 / Math.PI;

    /// <summary>Not real-time (UI side). Reads the tap's latest pendulum observation and command.</summary>
    public static DemoSample Take(TelemetryTap tap, int episode, int episodes, int maxSteps)
    {
        Span<float> obs = stackalloc float[3];
        Span<float> act = stackalloc float[1];
        tap.SampleObservation(obs);
        tap.SampleAction(act);
        double angle = obs[0] == 0 && obs[1] == 0 ? 0 : PendulumSketch.Angle(obs);
        return new DemoSample(episode, episodes, tap.Steps, maxSteps, angle, obs[2], act[0], tap.LastDecision, tap.Return, tap.LastTickMs);
    }
}
