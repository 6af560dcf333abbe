using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Tasks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Export;

namespace Robotics.Trainer.Evaluation;

/// <summary>
/// Open-loop accuracy of an exported model: from environment start states, apply the same random action
/// sequence to the true environment and to the model (feeding its own predictions back), and measure
/// how long the prediction stays within a tolerance. Runs the .onnx file through ONNX Runtime, i.e. the
/// artifact a robot would load, with all trials batched into one Run per step.
/// </summary>
public static class OpenLoopEvaluation
{
    /// <param name="MeanStepsWithinTolerance">Mean over trials of the number of leading steps whose error stays within the tolerance.</param>
    /// <param name="MeanErrorPerStep">Mean error over trials after each step (index 0 = after the first step).</param>
    /// <param name="Metric">What the error measures.</param>
    public sealed record Result(double MeanStepsWithinTolerance, double[] MeanErrorPerStep, string Metric);

    /// <summary>The task's own prediction error for <paramref name="env"/> (from core's task library), else L2.</summary>
    public static ObservationError MetricFor(IEnvironment env) =>
        TaskLibrary.TryGet(env.Id, out var task) ? task.PredictionError : ObservationError.L2;

    public static Result Run(string modelPath, Func<int, IEnvironment> createEnv, int trials, int horizon, double tolerance, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var envs = Enumerable.Range(0, trials).Select(i => createEnv(seed + i)).ToArray();
        int obsDim = envs[0].ObservationSpace.Dimension, actDim = envs[0].ActionSpace.Dimension;
        var error = MetricFor(envs[0]);
        var rng = new Random(seed);

        var trueObs = new float[trials * obsDim];
        var modelObs = new float[trials * obsDim];
        var actions = new float[trials * actDim];
        var stepObs = new float[obsDim];
        for (int i = 0; i < trials; i++) envs[i].Reset(seed + i, trueObs.AsSpan(i * obsDim, obsDim));
        trueObs.CopyTo(modelObs, 0);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var withinSoFar = Enumerable.Repeat(true, trials).ToArray();
        var stepsWithin = new int[trials];
        var errorPerStep = new double[horizon];
        for (int t = 0; t < horizon; t++)
        {
            for (int i = 0; i < trials; i++)
            {
                var space = envs[i].ActionSpace;
                for (int d = 0; d < actDim; d++)
                    actions[i * actDim + d] = space.Low[d] + (float)rng.NextDouble() * (space.High[d] - space.Low[d]);
                envs[i].Step(actions.AsSpan(i * actDim, actDim), stepObs);
                stepObs.CopyTo(trueObs, i * obsDim);
            }
            using var obsValue = OrtValue.CreateTensorValueFromMemory(modelObs, [trials, obsDim]);
            using var actValue = OrtValue.CreateTensorValueFromMemory(actions, [trials, actDim]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [OnnxExporter.ObsInput, OnnxExporter.ActionInput], [obsValue, actValue], [OnnxExporter.NextObsOutput]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(modelObs);
            for (int i = 0; i < trials; i++)
            {
                double e = error.Between(modelObs.AsSpan(i * obsDim, obsDim), trueObs.AsSpan(i * obsDim, obsDim));
                errorPerStep[t] += e / trials;
                withinSoFar[i] &= e <= tolerance;
                if (withinSoFar[i]) stepsWithin[i]++;
            }
        }
        return new Result(stepsWithin.Average(), errorPerStep, error.Name);
    }
}
