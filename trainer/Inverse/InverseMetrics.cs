using Robotics.Core.Spaces;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// How well predicted actions match executed ones, per action dimension, on held-out rows: MSE and standardised
/// MSE (MSE / variance of the executed action over the same rows, so 1 is as good as predicting the mean), raw and
/// with the prediction clipped to the action box (what a controller sends: a pendulum torque beyond the box at the
/// 8 rad/s speed limit or in saturated swing-ups cannot be told from the box value, and clipping forgives it).
/// </summary>
public sealed record InverseMetrics(int Rows, int Episodes, double[] Mse, double[] StandardisedMse, double[] ClippedMse, double[] ClippedStandardisedMse)
{
    public static InverseMetrics Measure(ReadOnlySpan<float> predicted, ReadOnlySpan<float> executed, int rows, int episodes, BoxSpace box)
    {
        int a = box.Dimension;
        var mse = new double[a]; var clipped = new double[a]; var mean = new double[a]; var var = new double[a];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < a; j++) mean[j] += executed[i * a + j] / (double)rows;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < a; j++)
            {
                double y = executed[i * a + j], p = predicted[i * a + j];
                double pc = Math.Clamp(p, box.Low[j], box.High[j]);
                mse[j] += (p - y) * (p - y) / rows;
                clipped[j] += (pc - y) * (pc - y) / rows;
                var[j] += (y - mean[j]) * (y - mean[j]) / rows;
            }
        // A constant executed action (variance 0) has no scale to standardise by: report the MSE itself.
        double[] Standardise(double[] m) => [.. m.Select((v, j) => var[j] > 1e-12 ? v / var[j] : v)];
        return new InverseMetrics(rows, episodes, mse, Standardise(mse), clipped, Standardise(clipped));
    }
}
