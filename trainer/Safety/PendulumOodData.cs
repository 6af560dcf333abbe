using Robotics.Core.Episodes;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Safety;

/// <summary>
/// Data for the safety gate's out-of-distribution measurement: pendulum transitions whose angular speed
/// stays below a limit (the only data the model sees), and probe states inside or far outside it.
/// Seeded; states are drawn i.i.d. so the covered region is exactly |theta_dot| &lt; limit.
/// </summary>
public static class PendulumOodData
{
    /// <summary>
    /// <paramref name="count"/> one-step transitions from states with uniform angle and |theta_dot| &lt;
    /// <paramref name="maxAbsThetaDot"/> under uniform random torque. Every model input (state, action)
    /// is inside the region; a next state may end up to ~1 rad/s past the limit (a target, not an input).
    /// Not filtering on the next state matters: filtering would carve out exactly the inputs near the edge
    /// that push outward, leaving a hole inside |theta_dot| &lt; limit that the probe then (rightly) vetoes.
    /// </summary>
    public static List<Transition> Transitions(int count, float maxAbsThetaDot, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var env = new Pendulum(seed);
        var rng = new Random(seed);
        var list = new List<Transition>(count);
        var obs = new float[3];
        var next = new float[3];
        var action = new float[1];
        while (list.Count < count)
        {
            double th = (rng.NextDouble() * 2 - 1) * Math.PI;
            double thdot = (rng.NextDouble() * 2 - 1) * maxAbsThetaDot;
            env.SetState(th, thdot, obs);
            action[0] = (float)(rng.NextDouble() * 4 - 2);
            var r = env.Step(action, next);
            int i = list.Count;
            list.Add(new Transition(i, 0, 0, (float[])obs.Clone(), (float[])action.Clone(), r.Reward, (float[])next.Clone(),
                                    false, false, DataSource.Sim, "ood-probe", false));
        }
        return list;
    }

    /// <summary><paramref name="count"/> observations with uniform angle and |theta_dot| uniform in [min, max] with random sign.</summary>
    public static List<float[]> States(int count, float minAbsThetaDot, float maxAbsThetaDot, int seed)
    {
        var rng = new Random(seed);
        var states = new List<float[]>(count);
        for (int i = 0; i < count; i++)
        {
            double th = (rng.NextDouble() * 2 - 1) * Math.PI;
            double speed = minAbsThetaDot + rng.NextDouble() * (maxAbsThetaDot - minAbsThetaDot);
            states.Add([(float)Math.Cos(th), (float)Math.Sin(th), (float)(rng.Next(2) == 0 ? speed : -speed)]);
        }
        return states;
    }
}
