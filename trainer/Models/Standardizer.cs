namespace Robotics.Trainer.Models;

/// <summary>
/// Per-column mean and standard deviation fitted on training data: z = (x - mean) / std. Columns that
/// never vary get std 1, so they pass through shifted but unscaled instead of dividing by zero.
/// </summary>
public sealed record Standardizer(float[] Mean, float[] Std)
{
    private const double MinStd = 1e-6;

    public int Dimension => Mean.Length;

    /// <summary>Fits on the rows of <paramref name="data"/> (row-major, <paramref name="columns"/> wide).</summary>
    public static Standardizer Fit(ReadOnlySpan<float> data, int columns)
    {
        int rows = data.Length / columns;
        if (rows == 0 || rows * columns != data.Length) throw new ArgumentException($"need at least one row of {columns} values, got {data.Length} values");
        var mean = new double[columns];
        var sq = new double[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) mean[c] += data[r * columns + c];
        for (int c = 0; c < columns; c++) mean[c] /= rows;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double d = data[r * columns + c] - mean[c];
                sq[c] += d * d;
            }
        var std = new float[columns];
        for (int c = 0; c < columns; c++)
        {
            double s = Math.Sqrt(sq[c] / rows);
            std[c] = s < MinStd ? 1f : (float)s;
        }
        return new Standardizer(Array.ConvertAll(mean, m => (float)m), std);
    }
}
