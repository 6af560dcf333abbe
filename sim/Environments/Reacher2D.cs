using Robotics.Core.Tasks;
using Robotics.Core.Models;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Environments;

/// <summary>
/// A planar two-link arm reaching for a random target (Gymnasium Reacher's task, with dynamics written out
/// here instead of MuJoCo's).
/// <para>
/// <b>Model.</b> Two uniform rods in the horizontal plane (no gravity): link i has mass m_i = 1 kg, length
/// l_i (l1 = 0.1 m, l2 = 0.11 m, reach 0.21 m), centre of mass at c_i = l_i/2 and inertia I_i = m_i l_i^2/12
/// about it. Joint angles q1 (base, from +x) and q2 (elbow, relative to link 1); torques tau_i; viscous
/// joint damping b = 0.1 N m s/rad. Manipulator equation M(q) qddot + C(q, qdot) + b qdot = tau with
/// <code>
///   a1 = I1 + m1 c1^2 + I2 + m2 (l1^2 + c2^2),  a2 = m2 l1 c2,  a3 = I2 + m2 c2^2
///   M  = [[a1 + 2 a2 cos q2, a3 + a2 cos q2], [a3 + a2 cos q2, a3]]
///   C  = [-a2 sin q2 (2 q1dot q2dot + q2dot^2), a2 sin q2 q1dot^2]
/// </code>
/// Kinetic energy E = 1/2 qdot' M qdot is the only energy; dE/dt = tau . qdot - b |qdot|^2, so with zero
/// torque it decays (and is conserved when b = 0). Fingertip p = l1 (cos q1, sin q1) + l2 (cos(q1+q2), sin(q1+q2)).
/// </para>
/// <para>
/// <b>Integration.</b> Control period dt = 0.05 s with the torques held constant, classic RK4 in 10 sub-steps
/// of 5 ms (the elbow's damping time constant a3/b is 40 ms). A speed guard clips joint rates to +-50 rad/s
/// after each control step so the observation stays bounded; random bang-bang torques reach about 35 rad/s.
/// </para>
/// <para>
/// <b>Action</b> [tau1, tau2] in [-1, 1] N m, clipped. <b>Observation</b> [cos q1, sin q1, cos q2, sin q2,
/// q1dot, q2dot, target_x, target_y, tip_x - target_x, tip_y - target_y].
/// <b>Reset</b>: q1, q2 ~ U(-pi, pi), rates ~ U(-0.1, 0.1), target uniform on the disc of radius 0.2 m.
/// </para>
/// <para>
/// <b>Reward</b> (on the state before the step, as in Gymnasium Reacher, torques clipped):
/// r = -|tip - target| - 0.01 |tau / tau_max|^2, a function of the observation (its last two entries) and
/// the action. <b>Episode</b>: never terminates; truncated after 50 steps = 2.5 s (a reach takes about
/// 0.5 s, so most of the episode scores holding the target).
/// </para>
/// </summary>
public sealed class Reacher2D : IEnvironment, IGoalRelabelling
{
    private readonly Reacher2DParameters _p;
    private readonly double _a1, _a2, _a3;
    private readonly float[] _safeAction = [0f, 0f];
    private readonly SeededRandom _rng;
    private readonly Reacher2DCost _cost;
    private double _q1, _q2, _w1, _w2, _tx, _ty;
    private int _steps;

    public Reacher2D(int seed = 0, Reacher2DParameters? parameters = null)
    {
        _p = (parameters ?? new Reacher2DParameters()).Validate();
        _rng = new SeededRandom(seed);
        double c1 = _p.Link1Length / 2, c2 = _p.Link2Length / 2;
        double i1 = _p.Link1Mass * _p.Link1Length * _p.Link1Length / 12, i2 = _p.Link2Mass * _p.Link2Length * _p.Link2Length / 12;
        _a1 = i1 + _p.Link1Mass * c1 * c1 + i2 + _p.Link2Mass * (_p.Link1Length * _p.Link1Length + c2 * c2);
        _a2 = _p.Link2Mass * _p.Link1Length * c2;
        _a3 = i2 + _p.Link2Mass * c2 * c2;

        float w = (float)_p.MaxJointSpeed, t = (float)_p.TargetRadius;
        float d = (float)(_p.Link1Length + _p.Link2Length + _p.TargetRadius);
        ObservationSpace = new BoxSpace(
            [-1f, -1f, -1f, -1f, -w, -w, -t, -t, -d, -d],
            [1f, 1f, 1f, 1f, w, w, t, t, d, d],
            ["cos_q1", "sin_q1", "cos_q2", "sin_q2", "q1_dot", "q2_dot", "target_x", "target_y", "tip_minus_target_x", "tip_minus_target_y"]);
        float tau = (float)_p.MaxTorque;
        ActionSpace = new BoxSpace([-tau, -tau], [tau, tau], ["torque_shoulder", "torque_elbow"]);
        _cost = new Reacher2DCost(_p.Cost);
    }

    public string Id => "reacher2d";
    public BoxSpace ObservationSpace { get; }
    public BoxSpace ActionSpace { get; }
    public TimeSpan ControlPeriod => TimeSpan.FromSeconds(_p.Dt);
    public float[] SafeAction => (float[])_safeAction.Clone();
    public int MaxEpisodeSteps => _p.MaxEpisodeSteps;
    /// <summary>The task library's reacher cost (core/Tasks) with these physics' constants.</summary>
    public IAnalyticCost Cost => _cost;
    public Reacher2DParameters Parameters => _p;

    /// <summary>Joint angles, rates and the target; for tests and console views.</summary>
    public (double Q1, double Q2, double Q1Dot, double Q2Dot, double TargetX, double TargetY) State =>
        (_q1, _q2, _w1, _w2, _tx, _ty);

    /// <summary>Kinetic energy (J), 1/2 qdot' M(q) qdot.</summary>
    public double Energy
    {
        get
        {
            double c = Math.Cos(_q2);
            double m11 = _a1 + 2 * _a2 * c, m12 = _a3 + _a2 * c;
            return 0.5 * (m11 * _w1 * _w1 + 2 * m12 * _w1 * _w2 + _a3 * _w2 * _w2);
        }
    }

    /// <summary>Fingertip position (m).</summary>
    public (double X, double Y) Fingertip =>
        (_p.Link1Length * Math.Cos(_q1) + _p.Link2Length * Math.Cos(_q1 + _q2),
         _p.Link1Length * Math.Sin(_q1) + _p.Link2Length * Math.Sin(_q1 + _q2));

    /// <summary>Puts the arm and target in an exact state and restarts the step count (tests).</summary>
    public void SetState(double q1, double q2, double q1Dot, double q2Dot, double targetX, double targetY, Span<float> obs)
    {
        _q1 = q1; _q2 = q2; _w1 = q1Dot; _w2 = q2Dot; _tx = targetX; _ty = targetY; _steps = 0;
        Observe(obs);
    }

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s) _rng.Reseed(s);
        _q1 = _rng.Symmetric(Math.PI);
        _q2 = _rng.Symmetric(Math.PI);
        _w1 = _rng.Symmetric(0.1);
        _w2 = _rng.Symmetric(0.1);
        (_tx, _ty) = Target(_rng.NextDouble(), _rng.Symmetric(Math.PI));
        _steps = 0;
        Observe(obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        double t1 = Math.Clamp((double)action[0], -_p.MaxTorque, _p.MaxTorque);
        double t2 = Math.Clamp((double)action[1], -_p.MaxTorque, _p.MaxTorque);
        var (px, py) = Fingertip;
        double reward = Reacher2DCost.Reward(px - _tx, py - _ty, t1, t2, _cost.Parameters);

        double h = _p.Dt / _p.Substeps;
        for (int i = 0; i < _p.Substeps; i++) Rk4(h, t1, t2);
        _w1 = Math.Clamp(_w1, -_p.MaxJointSpeed, _p.MaxJointSpeed);
        _w2 = Math.Clamp(_w2, -_p.MaxJointSpeed, _p.MaxJointSpeed);

        _steps++;
        Observe(obs);
        return new StepResult((float)reward, false, _steps >= _p.MaxEpisodeSteps);
    }

    /// <summary>The target at uniform draws <paramref name="u"/> in [0, 1) and <paramref name="phi"/> in [-pi, pi): uniform over the disc.</summary>
    private (double X, double Y) Target(double u, double phi)
    {
        double r = _p.TargetRadius * Math.Sqrt(u);
        return (r * Math.Cos(phi), r * Math.Sin(phi));
    }

    /// <summary>The goal is the target (x, y).</summary>
    public int GoalDimension => 2;

    /// <summary>Not real-time. The target, drawn as <see cref="Reset"/> draws it.</summary>
    public void DrawGoal(Random rng, Span<float> goal)
    {
        var (x, y) = Target(rng.NextDouble(), (rng.NextDouble() * 2 - 1) * Math.PI);
        goal[0] = (float)x;
        goal[1] = (float)y;
    }

    /// <summary>
    /// Not real-time. The target (obs 6-7) becomes <paramref name="goal"/>; the fingertip-minus-target (obs 8-9) follows
    /// from the unchanged fingertip; the arm's state and the dynamics are untouched.
    /// </summary>
    public float Relabel(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, ReadOnlySpan<float> nextObs, ReadOnlySpan<float> goal,
                         Span<float> newObs, Span<float> newNext)
    {
        float tx = goal[0], ty = goal[1];
        Retarget(obs, tx, ty, newObs);
        Retarget(nextObs, tx, ty, newNext);
        double t1 = Math.Clamp((double)action[0], -_p.MaxTorque, _p.MaxTorque);
        double t2 = Math.Clamp((double)action[1], -_p.MaxTorque, _p.MaxTorque);
        return (float)Reacher2DCost.Reward(newObs[8], newObs[9], t1, t2, _cost.Parameters);
    }

    private static void Retarget(ReadOnlySpan<float> o, float tx, float ty, Span<float> into)
    {
        o.CopyTo(into);
        float px = o[8] + o[6], py = o[9] + o[7];   // the fingertip, unchanged
        into[6] = tx;
        into[7] = ty;
        into[8] = px - tx;
        into[9] = py - ty;
    }

    /// <summary>The reward for fingertip-minus-target (dx, dy) and clipped torques; see the class comment.</summary>
    public static double Reward(double dx, double dy, double tau1, double tau2, Reacher2DParameters p) =>
        Reacher2DCost.Reward(dx, dy, tau1, tau2, p.Cost);

    private void Rk4(double h, double t1, double t2)
    {
        double q1 = _q1, q2 = _q2, w1 = _w1, w2 = _w2;
        // The accelerations depend on q2 and the rates only (no gravity, rotation-invariant about the base).
        Accelerations(q2, w1, w2, t1, t2, out double a1, out double b1);
        double w1b = w1 + 0.5 * h * a1, w2b = w2 + 0.5 * h * b1;
        Accelerations(q2 + 0.5 * h * w2, w1b, w2b, t1, t2, out double a2, out double b2);
        double w1c = w1 + 0.5 * h * a2, w2c = w2 + 0.5 * h * b2;
        Accelerations(q2 + 0.5 * h * w2b, w1c, w2c, t1, t2, out double a3, out double b3);
        double w1d = w1 + h * a3, w2d = w2 + h * b3;
        Accelerations(q2 + h * w2c, w1d, w2d, t1, t2, out double a4, out double b4);
        _q1 = q1 + h / 6 * (w1 + 2 * w1b + 2 * w1c + w1d);
        _q2 = q2 + h / 6 * (w2 + 2 * w2b + 2 * w2c + w2d);
        _w1 = w1 + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
        _w2 = w2 + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
    }

    /// <summary>Solves M(q) qddot = tau - b qdot - C(q, qdot) for the 2x2 mass matrix.</summary>
    private void Accelerations(double q2, double w1, double w2, double t1, double t2, out double qdd1, out double qdd2)
    {
        double c = Math.Cos(q2), s = Math.Sin(q2);
        double m11 = _a1 + 2 * _a2 * c, m12 = _a3 + _a2 * c, m22 = _a3;
        double r1 = t1 - _p.Damping * w1 + _a2 * s * (2 * w1 * w2 + w2 * w2);
        double r2 = t2 - _p.Damping * w2 - _a2 * s * w1 * w1;
        double det = m11 * m22 - m12 * m12; // > 0: M is positive definite for rods of positive inertia
        qdd1 = (m22 * r1 - m12 * r2) / det;
        qdd2 = (m11 * r2 - m12 * r1) / det;
    }

    private void Observe(Span<float> obs)
    {
        var (px, py) = Fingertip;
        obs[0] = (float)Math.Cos(_q1);
        obs[1] = (float)Math.Sin(_q1);
        obs[2] = (float)Math.Cos(_q2);
        obs[3] = (float)Math.Sin(_q2);
        obs[4] = (float)_w1;
        obs[5] = (float)_w2;
        obs[6] = (float)_tx;
        obs[7] = (float)_ty;
        obs[8] = (float)(px - _tx);
        obs[9] = (float)(py - _ty);
    }
}
