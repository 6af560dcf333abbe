using System.Globalization;

namespace Robotics.Trainer.Pets;

/// <summary>
/// DIR/curve.csv (<c>iteration,env_steps,eval_return_mean,eval_return_std</c>, one row appended per
/// iteration) and DIR/curve.png (ScottPlot: mean with +-std error bars against environment steps).
/// </summary>
public static class PetsCurve
{
    public const string Header = "iteration,env_steps,eval_return_mean,eval_return_std";

    /// <summary>Starts a fresh CSV with only the header.</summary>
    public static void Create(string csvPath) => File.WriteAllText(csvPath, Header + "\n");

    /// <summary>Appends one row and flushes it, so a killed run keeps every finished iteration.</summary>
    public static void Append(string csvPath, PetsIterationResult r) =>
        File.AppendAllText(csvPath, string.Create(CultureInfo.InvariantCulture,
            $"{r.Iteration},{r.EnvSteps},{r.EvalReturnMean:R},{r.EvalReturnStd:R}\n"));

    /// <summary>Draws the curve so far; <paramref name="target"/> (e.g. -200 for Pendulum) as a dashed line when given.</summary>
    public static void Draw(string pngPath, IReadOnlyList<PetsIterationResult> rows, string title, double? target)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = rows.Select(r => (double)r.EnvSteps).ToArray();
        double[] ys = rows.Select(r => r.EvalReturnMean).ToArray();
        double[] err = rows.Select(r => r.EvalReturnStd).ToArray();
        if (rows.Count > 0)
        {
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = "eval return (mean)";
            plot.Add.ErrorBar(xs, ys, err);
        }
        if (target is double t)
        {
            var h = plot.Add.HorizontalLine(t);
            h.LinePattern = ScottPlot.LinePattern.Dashed;
            h.LegendText = $"target {t:0}";
        }
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("evaluation return");
        plot.ShowLegend();
        plot.SavePng(pngPath, 900, 540);
    }
}
