using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;

namespace Robotics.Sim.Environments;

/// <summary>
/// Gymnasium CartPole-v1, exactly (gymnasium/envs/classic_control/cartpole.py): g = 9.8, cart 1.0 kg, pole
/// 0.1 kg of half-length 0.5 m, force 10 N, tau = 0.02 s, explicit Euler in Gymnasium's order
/// (x += tau xdot, xdot += tau xacc, th += tau thdot, thdot += tau thacc), with
/// <code>
///   temp   = (F + m_p l thdot^2 sin th) / M
///   thacc  = (g sin th - cos th temp) / (l (4/3 - m_p cos^2 th / M))
///   xacc   = temp - m_p l thacc cos th / M
/// </code>
/// on a float64 state, observed as float32 [x, x_dot, theta, theta_dot]. <b>Action</b>: the push index as
/// one float, 0 = left (F = -10 N), 1 = right (F = +10 N); other values are clipped to [0, 1] and rounded
/// (0.5 and above is right), since the wire carries floats (Gymnasium's Discrete(2) asserts instead).
/// <b>Reward</b> +1 for every step, the one that terminates included (0 after, as Gymnasium's
/// steps_beyond_terminated). <b>Terminated</b> when |x| &gt; 2.4 or |theta| &gt; 12 degrees after the step;
/// <b>truncated</b> after 500 steps (the v1 TimeLimit). <b>Reset</b>: all four ~ U(-0.05, 0.05) from this
/// project's seeded generator (Gymnasium's numpy stream is not reproduced, only its distribution).
/// Observation bounds as Gymnasium's: x in +-4.8, theta in +-0.418 rad, velocities +-float32 max.
/// Parity with Gymnasium's equations: CartpoleParityTests (reference/cartpole_v1_reference.py).
/// </summary>
public sealed class Cartpole : IEnvironment
{
    public const double Gravity = 9.8, CartMass = 1.0, PoleMass = 0.1, TotalMass = CartMass + PoleMass;
    public const double HalfLength = 0.5, PoleMassLength = PoleMass * HalfLength, ForceMag = 10.0, Tau = 0.02;

    private readonly SeededRandom _rng;
    private readonly CartpoleTask _task = new();
    private double _x, _xdot, _th, _thdot;
    private int _steps;
    private bool _terminated;

    public Cartpole(int seed = 0) => _rng = new SeededRandom(seed);

    public string Id => CartpoleTask.TaskId;
    public BoxSpace ObservationSpace { get; } = new(
        [-(float)(2 * CartpoleTask.XThreshold), -float.MaxValue, -(float)(2 * CartpoleTask.ThetaThreshold), -float.MaxValue],
        [(float)(2 * CartpoleTask.XThreshold), float.MaxValue, (float)(2 * CartpoleTask.ThetaThreshold), float.MaxValue],
        ["cart_position", "cart_velocity", "pole_angle", "pole_angular_velocity"]);
    public BoxSpace ActionSpace { get; } = new([0f], [1f], ["push"]);
    public TimeSpan ControlPeriod => TimeSpan.FromSeconds(Tau);
    public float[] SafeAction => _task.SafeAction;
    public int MaxEpisodeSteps => _task.MaxEpisodeSteps;
    /// <summary>The task library's cartpole cost (core/Tasks): -1 per step from inside the thresholds.</summary>
    public IAnalyticCost Cost => _task.Cost;

    /// <summary>The float64 state (x, x_dot, theta, theta_dot); for tests and console views.</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xdot, _th, _thdot);

    /// <summary>Puts the cart-pole in an exact state and restarts the step count (tests, parity checks).</summary>
    public void SetState(double x, double xDot, double theta, double thetaDot, Span<float> obs)
    {
        _x = x; _xdot = xDot; _th = theta; _thdot = thetaDot; _steps = 0; _terminated = false;
        Observe(obs);
    }

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s) _rng.Reseed(s);
        _x = _rng.Symmetric(0.05);
        _xdot = _rng.Symmetric(0.05);
        _th = _rng.Symmetric(0.05);
        _thdot = _rng.Symmetric(0.05);
        _steps = 0;
        _terminated = false;
        Observe(obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        bool wasTerminated = _terminated;
        Integrate(ref _x, ref _xdot, ref _th, ref _thdot, Push(action[0]));
        _terminated = !CartpoleTask.Inside(_x, _th);
        _steps++;
        Observe(obs);
        return new StepResult(wasTerminated ? 0f : 1f, _terminated, _steps >= MaxEpisodeSteps);
    }

    /// <summary>Hot path. The push index an action value means: clipped to [0, 1], 0.5 and above is 1 (right). NaN is 0.</summary>
    public static int Push(float action) => action >= 0.5f ? 1 : 0;

    /// <summary>Hot path, allocation-free. One Gymnasium step (Euler, tau = 0.02) of the float64 state under push 0 or 1.</summary>
    public static void Integrate(ref double x, ref double xDot, ref double theta, ref double thetaDot, int push)
    {
        double force = push == 1 ? ForceMag : -ForceMag;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double temp = (force + PoleMassLength * thetaDot * thetaDot * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
    }

    private void Observe(Span<float> obs)
    {
        obs[0] = (float)_x;
        obs[1] = (float)_xdot;
        obs[2] = (float)_th;
        obs[3] = (float)_thdot;
    }
}
