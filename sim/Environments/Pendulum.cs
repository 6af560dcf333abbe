using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Environments;

/// <summary>
/// Gymnasium Pendulum-v1, exactly: g=10, m=1, l=1, dt=0.05, max_speed=8, max_torque=2.
/// thdot' = clip(thdot + (3g/(2l) sin th + 3/(m l^2) u) dt, -8, 8); th' = th + thdot' dt.
/// Reward -(angle_normalize(th)^2 + 0.1 thdot^2 + 0.001 u^2) on the state before the step, u clipped.
/// Observation [cos th, sin th, thdot] (float32 of the float64 state); truncated after 200 steps; never
/// terminates. Reset th ~ U(-pi, pi), thdot ~ U(-1, 1) from this project's seeded generator (Gymnasium's
/// numpy stream is not reproduced, only its distribution). Parity with Gymnasium's equations is pinned in
/// PendulumParityTests (values from tests/Robotics.Sim.Tests/reference/pendulum_v1_reference.py).
/// </summary>
public sealed class Pendulum : IEnvironment
{
    public const double G = 10.0, M = 1.0, L = 1.0, Dt = 0.05, MaxSpeed = 8.0, MaxTorque = 2.0;

    private readonly SeededRandom _rng;
    private double _th, _thdot;
    private int _steps;

    public Pendulum(int seed = 0) => _rng = new SeededRandom(seed);

    public string Id => "pendulum";
    public BoxSpace ObservationSpace { get; } =
        new([-1f, -1f, -8f], [1f, 1f, 8f], ["cos_theta", "sin_theta", "theta_dot"]);
    public BoxSpace ActionSpace { get; } = new([-2f], [2f], ["torque"]);
    public TimeSpan ControlPeriod => TimeSpan.FromSeconds(Dt);
    public float[] SafeAction => [0f];
    public int MaxEpisodeSteps => 200;
    /// <summary>The task library's pendulum cost (core/Tasks), the one the runtime plans with.</summary>
    public IAnalyticCost Cost { get; } = new PendulumTask().Cost;

    /// <summary>Current angle (rad) and angular velocity; exposed for tests and console views.</summary>
    public (double Theta, double ThetaDot) State => (_th, _thdot);

    /// <summary>Puts the pendulum in an exact state (tests, Gymnasium parity checks).</summary>
    public void SetState(double theta, double thetaDot, Span<float> obs)
    {
        _th = theta; _thdot = thetaDot; _steps = 0;
        Observe(obs);
    }

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s) _rng.Reseed(s);
        _th = _rng.Symmetric(Math.PI);
        _thdot = _rng.Symmetric(1.0);
        _steps = 0;
        Observe(obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        double u = Math.Clamp((double)action[0], -MaxTorque, MaxTorque);
        double cost = AngleNormalize(_th) * AngleNormalize(_th) + 0.1 * _thdot * _thdot + 0.001 * u * u;
        double newThdot = _thdot + (3 * G / (2 * L) * Math.Sin(_th) + 3.0 / (M * L * L) * u) * Dt;
        newThdot = Math.Clamp(newThdot, -MaxSpeed, MaxSpeed);
        _th += newThdot * Dt;
        _thdot = newThdot;
        _steps++;
        Observe(obs);
        return new StepResult((float)-cost, false, _steps >= MaxEpisodeSteps);
    }

    /// <summary>
    /// Gymnasium's angle_normalize, ((x + pi) mod 2pi) - pi with Python's floored modulo: C#'s % truncates,
    /// so a negative remainder is shifted by 2pi exactly as numpy's remainder does (no extra rounding).
    /// </summary>
    public static double AngleNormalize(double x)
    {
        const double TwoPi = 2 * Math.PI;
        double r = (x + Math.PI) % TwoPi;
        if (r < 0) r += TwoPi;
        return r - Math.PI;
    }

    private void Observe(Span<float> obs)
    {
        obs[0] = (float)Math.Cos(_th);
        obs[1] = (float)Math.Sin(_th);
        obs[2] = (float)_thdot;
    }
}
