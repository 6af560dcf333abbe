using System.Diagnostics;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Mujoco;

/// <summary>One model's step rates: MuJoCo's own C loop against the binding and the task, in one process.</summary>
public sealed record MujocoBenchResult(
    string Task, string Model, int Steps, int Rounds,
    double CLoopStepsPerSecond, double BindingStepsPerSecond, double TaskStepsPerSecond,
    double BindingOverC, double BindingBytesPerStep, double TaskBytesPerStep);

/// <summary>
/// The binding's step rate against MuJoCo's own C loop over the same model: the shim's rs_bench_c_loop (a
/// plain <c>for (...) mj_step(m, d);</c> compiled by gcc with the shim) versus C# calling
/// <see cref="MujocoSimulation.Step"/> once per step (one unmanaged call each, as a task does), and the
/// whole task step (ctrl, dm_control's synced step, reward, observation). Rounds alternate C and C# so drift
/// in machine load hits both; the best round of each is reported (the least disturbed by other processes).
/// Not real-time.
/// </summary>
public static class MujocoBench
{
    public static MujocoBenchResult Run(string taskId, int steps, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        using var task = MujocoTasks.Create(taskId, seed: 0);
        var sim = task.Sim;
        var obs = new float[task.ObservationSpace.Dimension];
        var act = new float[task.ActionSpace.Dimension];
        task.Reset(0, obs);
        double bestC = double.MaxValue, bestBinding = double.MaxValue, bestTask = double.MaxValue;
        long bindingBytes = 0, taskBytes = 0;
        BindingLoop(sim, steps / 10); // warm-up: JIT, caches
        for (int r = 0; r < rounds; r++)
        {
            sim.Reset();
            bestC = Math.Min(bestC, sim.TimeCLoop(steps));
            sim.Reset();
            long before = GC.GetAllocatedBytesForCurrentThread();
            bestBinding = Math.Min(bestBinding, BindingLoop(sim, steps));
            bindingBytes = Math.Max(bindingBytes, GC.GetAllocatedBytesForCurrentThread() - before);

            task.Reset(r, obs);
            before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < steps; k++)
            {
                act[0] = (k & 1) == 0 ? 0.5f : -0.5f;
                if (task.Step(act, obs).Done) task.Reset(null, obs);
            }
            bestTask = Math.Min(bestTask, Stopwatch.GetElapsedTime(start).TotalSeconds);
            taskBytes = Math.Max(taskBytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        double c = steps / bestC, binding = steps / bestBinding;
        return new MujocoBenchResult(taskId, sim.Name, steps, rounds, c, binding, steps / bestTask, binding / c,
            (double)bindingBytes / steps, (double)taskBytes / steps);
    }

    private static double BindingLoop(MujocoSimulation sim, int steps)
    {
        long start = Stopwatch.GetTimestamp();
        for (int k = 0; k < steps; k++) sim.Step();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
