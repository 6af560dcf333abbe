using System.Globalization;
using System.Text;
using Robotics.Trainer.Algorithms;

namespace Robotics.Trainer.Reports;

/// <summary>Writes a training run's per-epoch losses as CSV and as a PNG chart (ScottPlot).</summary>
public static class LearningCurve
{
    public const string CsvHeader = "epoch,train_nll,validation_mse,best_validation_mse,elapsed_s";

    /// <summary>The CSV and PNG paths next to a model file: model.onnx -> model.learning-curve.{csv,png}.</summary>
    public static (string Csv, string Png) PathsFor(string modelPath)
    {
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFileNameWithoutExtension(modelPath));
        return (stem + ".learning-curve.csv", stem + ".learning-curve.png");
    }

    public static void WriteCsv(string path, IReadOnlyList<EpochReport> history)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in history)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Epoch},{r.TrainNll:R},{r.ValidationMse:R},{r.BestValidationMse:R},{r.Elapsed.TotalSeconds:F3}\n");
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Train NLL on the left axis, validation MSE (log scale would hide the early drop) on the right.</summary>
    public static void WritePng(string path, IReadOnlyList<EpochReport> history, string title)
    {
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        var plot = new ScottPlot.Plot();
        var train = plot.Add.Scatter(epochs, history.Select(r => r.TrainNll).ToArray());
        train.LegendText = "train NLL (left)";
        var validation = plot.Add.Scatter(epochs, history.Select(r => r.ValidationMse).ToArray());
        validation.LegendText = "validation MSE, normalised (right)";
        validation.Axes.YAxis = plot.Axes.Right;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "train NLL";
        plot.Axes.Right.Label.Text = "validation MSE";
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 900, 500);
    }
}
