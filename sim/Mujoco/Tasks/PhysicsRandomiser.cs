using System.Globalization;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// Applies a <see cref="PhysicsRandomisation"/> to one model per episode: keeps the nominal arrays, and on
/// each <see cref="Apply"/> restores them and multiplies in freshly drawn scales. Allocation-free after
/// construction (a lock-step driver resets inside its Write). The drawn values of the current episode are
/// <see cref="Mass"/>, <see cref="Damping"/>, ... and <see cref="Describe"/> renders them for Parquet metadata.
/// </summary>
internal sealed class PhysicsRandomiser
{
    private readonly PhysicsRandomisation _r;
    private readonly double[] _mass, _inertia, _damping, _friction, _gain;

    public PhysicsRandomiser(PhysicsRandomisation r, MujocoSimulation sim)
    {
        _r = r;
        _mass = sim.BodyMass.ToArray();
        _inertia = sim.BodyInertia.ToArray();
        _damping = sim.DofDamping.ToArray();
        _friction = sim.GeomFriction.ToArray();
        _gain = sim.ActuatorGainPrm.ToArray();
    }

    public double Mass { get; private set; } = 1;
    public double Damping { get; private set; } = 1;
    public double Friction { get; private set; } = 1;
    public double ActuatorGain { get; private set; } = 1;
    public double NoiseStd => _r.ObservationNoiseStd;
    public int DelaySteps { get; private set; }

    /// <summary>Allocation-free. Draws this episode's scales and writes them into the model.</summary>
    public void Apply(MujocoSimulation sim, SeededRandom rng)
    {
        Mass = rng.Uniform(_r.Mass.Low, _r.Mass.High);
        Damping = rng.Uniform(_r.Damping.Low, _r.Damping.High);
        Friction = rng.Uniform(_r.Friction.Low, _r.Friction.High);
        ActuatorGain = rng.Uniform(_r.ActuatorGain.Low, _r.ActuatorGain.High);
        var (lo, hi) = _r.ObservationDelaySteps;
        DelaySteps = lo + (int)Math.Min(hi - lo, Math.Floor(rng.NextDouble() * (hi - lo + 1)));

        Scaled(_mass, sim.BodyMass, Mass);
        Scaled(_inertia, sim.BodyInertia, Mass); // density scaling: inertia scales with mass
        Scaled(_damping, sim.DofDamping, Damping);
        Span<double> friction = sim.GeomFriction; // sliding friction only (entry 0 of each geom's three)
        _friction.CopyTo(friction);
        for (int i = 0; i < friction.Length; i += 3) friction[i] *= Friction;
        Span<double> gain = sim.ActuatorGainPrm; // gain 0 of each actuator (a motor's force per unit control)
        _gain.CopyTo(gain);
        for (int i = 0; i < gain.Length; i += 10) gain[i] *= ActuatorGain;
        sim.SetConst();
    }

    /// <summary>Not real-time. This episode's draws as Parquet key-value metadata.</summary>
    public void Describe(IDictionary<string, string> into)
    {
        into["robotics.randomisation.mass_scale"] = F(Mass);
        into["robotics.randomisation.damping_scale"] = F(Damping);
        into["robotics.randomisation.friction_scale"] = F(Friction);
        into["robotics.randomisation.actuator_gain_scale"] = F(ActuatorGain);
        into["robotics.randomisation.obs_noise_std"] = F(NoiseStd);
        into["robotics.randomisation.obs_delay_steps"] = DelaySteps.ToString(CultureInfo.InvariantCulture);
    }

    private static void Scaled(double[] nominal, Span<double> target, double scale)
    {
        for (int i = 0; i < nominal.Length; i++) target[i] = nominal[i] * scale;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
