using Robotics.Core.Tasks;
using Robotics.Core.Models;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Environments;

/// <summary>
/// Cart-pole swing-up with a continuous force (the PETS / DeepMind Control task): the pole starts hanging
/// down and must be swung up and balanced above a centred cart.
/// <para>
/// <b>Model.</b> A cart of mass m_c = 1 kg on a frictionless horizontal track, a uniform rod pole of mass
/// m_p = 0.1 kg and length L = 1 m (centre of mass at l = L/2, inertia about the pivot 4/3 m_p l^2) on a
/// frictionless hinge, gravity g = 9.81. theta = 0 is upright, theta = pi hangs down, positive theta
/// tilts the pole tip towards +x; F is the force on the cart. With M = m_c + m_p:
/// <code>
///   a       = (F + m_p l thdot^2 sin th) / M
///   thddot  = (g sin th - cos th * a) / (l (4/3 - m_p cos^2 th / M))
///   xddot   = a - m_p l thddot cos th / M
/// </code>
/// (the classic Barto et al. cart-pole, exact for a rigid rod). Its energy
/// E = 1/2 M xdot^2 + m_p l xdot thdot cos th + 1/2 (4/3) m_p l^2 thdot^2 + m_p g l cos th is conserved
/// when F = 0.
/// </para>
/// <para>
/// <b>Integration.</b> Control period dt = 0.05 s with the force held constant (zero-order hold),
/// integrated by classic RK4 in 5 sub-steps of 0.01 s (energy drift below 1e-8 J over an episode).
/// Speed guards clip xdot to +-10 m/s and thdot to +-25 rad/s after each control step so the observation
/// stays bounded (like Pendulum-v1's max_speed); a swing-up reaches about 3 m/s and 6 rad/s.
/// </para>
/// <para>
/// <b>Action</b> [force] in [-10, 10] N, clipped. <b>Observation</b> [x, cos th, sin th, xdot, thdot].
/// <b>Reset</b>: x, xdot, thdot ~ U(-0.1, 0.1), th ~ pi + U(-0.1, 0.1) (hanging down).
/// </para>
/// <para>
/// <b>Reward</b> (on the state before the step, as in Pendulum-v1, with F clipped):
/// r = exp(-d^2 / L^2) - 0.01 (F / F_max)^2, where d is the distance from the pole tip
/// (x + L sin th, L cos th) to the upright-and-centred tip position (0, L):
/// d^2 = (x + L sin th)^2 + L^2 (1 - cos th)^2. r is in [-0.01, 1]. This is PETS's cart-pole reward: a
/// Gaussian of one distance, so it is smooth everywhere and dense (it already rises while the pole swings
/// up), it needs the cart centred (the tip is over the origin only when the upright cart is at x = 0), and
/// it is a function of the observation alone, which MPC on predicted observations needs. DeepMind
/// Control's product of four tolerance terms says the same with more shaping constants and flat regions.
/// </para>
/// <para>
/// <b>Episode.</b> Terminated when the cart leaves the track, |x| &gt; 2.4 m (the end stops). Truncated after
/// 200 steps = 10 s, PETS's horizon for this task: a swing-up takes about 2 s, so 10 s leaves 8 s of
/// balancing to score, while 200-step episodes keep a PETS run (one episode per iteration, MPC planning at
/// every step) feasible in minutes; DeepMind Control's 1000 steps at 0.01 s would cost five times more
/// planning per episode for the same simulated time.
/// </para>
/// </summary>
public sealed class CartpoleSwingup : IEnvironment
{
    private readonly CartpoleSwingupParameters _p;
    private readonly float[] _safeAction = [0f];
    private readonly SeededRandom _rng;
    private readonly CartpoleSwingupCost _cost;
    private double _x, _th, _xdot, _thdot;
    private int _steps;

    public CartpoleSwingup(int seed = 0, CartpoleSwingupParameters? parameters = null)
    {
        _p = (parameters ?? new CartpoleSwingupParameters()).Validate();
        _rng = new SeededRandom(seed);
        float xBound = (float)(2 * _p.TrackLimit); // the terminating step overshoots the end stop (Gymnasium CartPole's 2x too)
        ObservationSpace = new BoxSpace(
            [-xBound, -1f, -1f, -(float)_p.MaxCartSpeed, -(float)_p.MaxPoleSpeed],
            [xBound, 1f, 1f, (float)_p.MaxCartSpeed, (float)_p.MaxPoleSpeed],
            ["cart_position", "cos_theta", "sin_theta", "cart_velocity", "theta_dot"]);
        ActionSpace = new BoxSpace([-(float)_p.MaxForce], [(float)_p.MaxForce], ["force"]);
        _cost = new CartpoleSwingupCost(_p.Cost);
    }

    public string Id => "cartpole-swingup";
    public BoxSpace ObservationSpace { get; }
    public BoxSpace ActionSpace { get; }
    public TimeSpan ControlPeriod => TimeSpan.FromSeconds(_p.Dt);
    public float[] SafeAction => (float[])_safeAction.Clone();
    public int MaxEpisodeSteps => _p.MaxEpisodeSteps;
    /// <summary>The task library's cartpole cost (core/Tasks) with these physics' constants.</summary>
    public IAnalyticCost Cost => _cost;
    public CartpoleSwingupParameters Parameters => _p;

    /// <summary>Cart position, pole angle (0 upright, unwrapped) and their rates; for tests and console views.</summary>
    public (double X, double Theta, double XDot, double ThetaDot) State => (_x, _th, _xdot, _thdot);

    /// <summary>Mechanical energy (J) of the current state; conserved when the force is zero.</summary>
    public double Energy
    {
        get
        {
            double total = _p.CartMass + _p.PoleMass, l = _p.PoleLength / 2;
            return 0.5 * total * _xdot * _xdot + _p.PoleMass * l * _xdot * _thdot * Math.Cos(_th)
                   + 0.5 * (4.0 / 3.0) * _p.PoleMass * l * l * _thdot * _thdot + _p.PoleMass * _p.Gravity * l * Math.Cos(_th);
        }
    }

    /// <summary>Puts the system in an exact state and restarts the step count (tests).</summary>
    public void SetState(double x, double theta, double xDot, double thetaDot, Span<float> obs)
    {
        _x = x; _th = theta; _xdot = xDot; _thdot = thetaDot; _steps = 0;
        Observe(obs);
    }

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s) _rng.Reseed(s);
        _x = _rng.Symmetric(0.1);
        _th = Math.PI + _rng.Symmetric(0.1);
        _xdot = _rng.Symmetric(0.1);
        _thdot = _rng.Symmetric(0.1);
        _steps = 0;
        Observe(obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        double f = Math.Clamp((double)action[0], -_p.MaxForce, _p.MaxForce);
        double reward = CartpoleSwingupCost.Reward(_x, Math.Cos(_th), Math.Sin(_th), f, _cost.Parameters);

        double h = _p.Dt / _p.Substeps;
        for (int i = 0; i < _p.Substeps; i++) Rk4(h, f);
        _xdot = Math.Clamp(_xdot, -_p.MaxCartSpeed, _p.MaxCartSpeed);
        _thdot = Math.Clamp(_thdot, -_p.MaxPoleSpeed, _p.MaxPoleSpeed);

        _steps++;
        Observe(obs);
        return new StepResult((float)reward, Math.Abs(_x) > _p.TrackLimit, _steps >= _p.MaxEpisodeSteps);
    }

    /// <summary>The reward of applying (clipped) force <paramref name="force"/> in a state; see the class comment.</summary>
    public static double Reward(double x, double cosTheta, double sinTheta, double force, CartpoleSwingupParameters p) =>
        CartpoleSwingupCost.Reward(x, cosTheta, sinTheta, force, p.Cost);

    private void Rk4(double h, double f)
    {
        double x = _x, th = _th, v = _xdot, w = _thdot;
        // The accelerations do not depend on x or xdot (frictionless track), so each stage needs (th, thdot).
        Derivatives(th, w, f, out double a1, out double b1);
        double v2 = v + 0.5 * h * a1, w2 = w + 0.5 * h * b1;
        Derivatives(th + 0.5 * h * w, w2, f, out double a2, out double b2);
        double v3 = v + 0.5 * h * a2, w3 = w + 0.5 * h * b2;
        Derivatives(th + 0.5 * h * w2, w3, f, out double a3, out double b3);
        double v4 = v + h * a3, w4 = w + h * b3;
        Derivatives(th + h * w3, w4, f, out double a4, out double b4);
        _x = x + h / 6 * (v + 2 * v2 + 2 * v3 + v4);
        _th = th + h / 6 * (w + 2 * w2 + 2 * w3 + w4);
        _xdot = v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
        _thdot = w + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
    }

    /// <summary>xddot and thddot for angle th, pole rate w and force f (the class comment's equations).</summary>
    private void Derivatives(double th, double w, double f, out double xddot, out double thddot)
    {
        double total = _p.CartMass + _p.PoleMass, l = _p.PoleLength / 2;
        double sin = Math.Sin(th), cos = Math.Cos(th);
        double a = (f + _p.PoleMass * l * w * w * sin) / total;
        thddot = (_p.Gravity * sin - cos * a) / (l * (4.0 / 3.0 - _p.PoleMass * cos * cos / total));
        xddot = a - _p.PoleMass * l * thddot * cos / total;
    }

    private void Observe(Span<float> obs)
    {
        obs[0] = (float)_x;
        obs[1] = (float)Math.Cos(_th);
        obs[2] = (float)Math.Sin(_th);
        obs[3] = (float)_xdot;
        obs[4] = (float)_thdot;
    }
}
