using Robotics.Sim.Environments;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Sac;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// Fixed-seed evaluation of the deterministic policy (SAC's tanh(mean), DreamerV3's recurrent actor's mean): the same start states at every evaluation of a
/// run (<see cref="PetsLoop.EvalSeedBase"/>), as the PETS and TD-MPC2 curves use, so the curves compare.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Not real-time. Returns each episode's return.</summary>
    public static double[] Run(IEnvironment env, IActingAgent agent, int episodes, int seed, CancellationToken ct)
    {
        int obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
        var scaler = new ActionScaler(env.ActionSpace);
        float[] obs = new float[obsDim], next = new float[obsDim], unit = new float[actDim], envAction = new float[actDim];
        var returns = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(PetsLoop.EvalSeedBase(seed) + e, obs);
            agent.BeginEpisode();
            for (int t = 0; t < env.MaxEpisodeSteps; t++)
            {
                ct.ThrowIfCancellationRequested();
                agent.Act(obs, unit, deterministic: true);
                scaler.ToEnv(unit, envAction);
                StepResult r = env.Step(envAction, next);
                returns[e] += r.Reward;
                next.CopyTo(obs, 0);
                if (r.Done) break;
            }
        }
        return returns;
    }

    public static (double Mean, double Std) Summary(double[] returns)
    {
        double mean = returns.Average();
        return (mean, Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / returns.Length));
    }
}
