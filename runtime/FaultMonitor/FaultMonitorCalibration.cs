using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robotics.Runtime.FaultMonitor;

/// <summary>
/// The fault monitor's calibration, a JSON file beside the inverse model (<see cref="PathFor"/>: M.fault-monitor.json),
/// written by <c>robotics run --fault-monitor M --fault-calibrate</c> from healthy episodes. Method
/// (<see cref="Method"/> = "max-healthy-x-margin"): threshold = max over the calibration episodes of the largest
/// smoothed residual x margin, so every calibration run is silent by construction and new healthy runs have the
/// margin's headroom. Bound to the model by its SHA-256 (a file for another model is refused), and to the EWMA alpha
/// it was measured with.
/// </summary>
public sealed record FaultMonitorCalibration
{
    public const string MaxHealthyTimesMargin = "max-healthy-x-margin";

    public int Format { get; init; } = 1;
    public required string ModelSha256 { get; init; }
    public required string EnvId { get; init; }
    public required float Alpha { get; init; }
    public required float Threshold { get; init; }
    public required float Margin { get; init; }
    public string Method { get; init; } = MaxHealthyTimesMargin;
    /// <summary>Healthy episodes measured, and the largest smoothed residual of each.</summary>
    public required float[] EpisodeMaxSmoothed { get; init; }
    /// <summary>What drove the robot during calibration (the residual depends on the states and actions visited).</summary>
    public string? Controller { get; init; }
    public string? Robot { get; init; }
    public int Seed { get; init; }
    public string CreatedUtc { get; init; } = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>M.onnx -> M.fault-monitor.json.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".fault-monitor.json");

    public static string Sha256Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Not real-time. Null when there is no file; <see cref="InvalidDataException"/> (one line) when it is unreadable or for another model.</summary>
    public static FaultMonitorCalibration? TryRead(string modelPath)
    {
        string path = PathFor(modelPath);
        if (!File.Exists(path)) return null;
        FaultMonitorCalibration? c;
        try { c = JsonSerializer.Deserialize<FaultMonitorCalibration>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"fault monitor calibration '{path}' is not valid: {e.Message}"); }
        if (c is null || !(c.Threshold > 0) || !float.IsFinite(c.Threshold) || !(c.Alpha > 0 && c.Alpha <= 1))
            throw new InvalidDataException($"fault monitor calibration '{path}' has no valid threshold and alpha");
        string sha = Sha256Of(modelPath);
        if (!string.Equals(c.ModelSha256, sha, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"fault monitor calibration '{path}' was made for another model (sha256 {c.ModelSha256[..Math.Min(12, c.ModelSha256.Length)]}..., this one {sha[..12]}...): calibrate again");
        return c;
    }

    /// <summary>Not real-time. Threshold from the healthy episodes' maxima (see the type); throws on none or non-finite ones.</summary>
    public static FaultMonitorCalibration FromHealthy(string modelPath, string envId, float alpha, float margin, float[] episodeMax)
    {
        float threshold = Safety.Monitors.ActuatorFaultMonitor.CalibrateThreshold(episodeMax, margin);
        return new FaultMonitorCalibration
        {
            ModelSha256 = Sha256Of(modelPath), EnvId = envId, Alpha = alpha, Threshold = threshold, Margin = margin, EpisodeMaxSmoothed = episodeMax,
        };
    }

    /// <summary>Not real-time. Writes <see cref="PathFor"/>(<paramref name="modelPath"/>) through a temporary file; returns the path.</summary>
    public string Write(string modelPath)
    {
        string path = PathFor(modelPath);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}
