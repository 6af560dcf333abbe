using System.Globalization;

namespace Robotics.Trainer.Reports;

/// <summary>
/// Learning curves from the CSVs the algorithms write (<c>env_steps</c> and <c>eval_return_mean</c> columns, as
/// PETS, TD-MPC2 and the others append per evaluation) drawn on one chart, so runs compare at equal env steps.
/// </summary>
public static class CurvePlot
{
    /// <summary>One curve: its legend label and (env steps, mean return) points.</summary>
    public sealed record Curve(string Label, double[] EnvSteps, double[] Return);

    /// <summary>
    /// Not real-time. Reads one curve; <paramref name="stepScale"/> multiplies env steps (e.g. an action repeat the
    /// CSV counted as one step). Throws <see cref="InvalidDataException"/> naming the file and what is wrong.
    /// </summary>
    public static Curve Read(string path, string label, double stepScale = 1)
    {
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new InvalidDataException($"{path}: empty file");
        string[] header = lines[0].Split(',');
        int x = Array.IndexOf(header, "env_steps"), y = Array.IndexOf(header, "eval_return_mean");
        if (x < 0 || y < 0) throw new InvalidDataException($"{path}: needs columns env_steps and eval_return_mean, has {lines[0]}");
        var xs = new double[lines.Length - 1];
        var ys = new double[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            string[] f = lines[i].Split(',');
            if (f.Length != header.Length
                || !double.TryParse(f[x], NumberStyles.Float, CultureInfo.InvariantCulture, out xs[i - 1])
                || !double.TryParse(f[y], NumberStyles.Float, CultureInfo.InvariantCulture, out ys[i - 1]))
                throw new InvalidDataException($"{path}: line {i + 1} is not a row of numbers: '{lines[i]}'");
            xs[i - 1] *= stepScale;
        }
        if (xs.Length == 0) throw new InvalidDataException($"{path}: no rows after the header");
        return new Curve(label, xs, ys);
    }

    /// <summary>Not real-time. Draws every curve against env steps; <paramref name="target"/> as a dashed line when given.</summary>
    public static void Draw(string pngPath, IReadOnlyList<Curve> curves, string title, double? target)
    {
        var plot = new ScottPlot.Plot();
        foreach (var c in curves)
        {
            var line = plot.Add.Scatter(c.EnvSteps, c.Return);
            line.LegendText = c.Label;
        }
        if (target is double t)
        {
            var h = plot.Add.HorizontalLine(t);
            h.LinePattern = ScottPlot.LinePattern.Dashed;
            h.LegendText = string.Create(CultureInfo.InvariantCulture, $"target {t:0}");
        }
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("evaluation return");
        plot.ShowLegend();
        plot.SavePng(pngPath, 900, 540);
    }
}
