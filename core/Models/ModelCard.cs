using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robotics.Core.Models;

/// <summary>
/// The model card (format 2), stored as JSON under the ONNX metadata key <see cref="MetadataKey"/>. A common
/// header (kind, algo, env id, spaces, control period, training data, trainer, metrics), the graphs the file
/// or its siblings provide by role, and optional sections: <see cref="Ensemble"/>, <see cref="Uncertainty"/>
/// (the calibration the safety gate's threshold comes from) and <see cref="TaskCost"/>. Format-1 cards
/// (ensemble-only, e.g. the shipped models/pendulum.onnx) are mapped onto format 2 when read
/// (<see cref="ModelCardFormat1"/>); cards are always written as format 2.
/// </summary>
public sealed record ModelCard
{
    public const string MetadataKey = "robotics.card";
    public const int CurrentFormatVersion = 2;
    /// <summary>A <see cref="Graphs"/> location meaning "the file this card is in".</summary>
    public const string ThisFile = ".";

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>What the model is (<see cref="ModelKinds"/>); picks the controller.</summary>
    public required string Kind { get; init; }
    /// <summary>Algorithm that produced the model, e.g. "pets", "mbpo", "tdmpc2".</summary>
    public required string Algo { get; init; }
    /// <summary>The robot/environment id the spaces and period belong to (checked against the robot's spec).</summary>
    public required string EnvId { get; init; }
    public required CardSpace ObservationSpace { get; init; }
    public required CardSpace ActionSpace { get; init; }
    public required double ControlPeriodSeconds { get; init; }
    /// <summary>SHA-256 (hex) over the Parquet files the model was trained on, in file-name order.</summary>
    public required string TrainingDataDigest { get; init; }
    public long TrainingTransitions { get; init; }
    public required string TrainerVersion { get; init; }
    public Dictionary<string, double> Metrics { get; init; } = new();
    /// <summary>Graph role (<see cref="GraphRoles"/>) -> <see cref="ThisFile"/> or a file name beside this one.</summary>
    public Dictionary<string, string> Graphs { get; init; } = new();
    public EnsembleSection? Ensemble { get; init; }
    public UncertaintyCalibration? Uncertainty { get; init; }
    public TaskCostSection? TaskCost { get; init; }
    /// <summary>The format the card was stored in (1 for a mapped format-1 card); not written.</summary>
    [JsonIgnore] public int StoredFormatVersion { get; init; } = CurrentFormatVersion;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    public string ToJson(bool indented = false) => JsonSerializer.Serialize(this, indented ? Indented : Json);

    public int ObsDim => ObservationSpace.Names.Length;
    public int ActDim => ActionSpace.Names.Length;

    /// <summary>True when the card lists a graph for <paramref name="role"/>.</summary>
    public bool HasGraph(string role) => Graphs.ContainsKey(role);

    /// <summary>
    /// Parses and validates a card of format 1 or 2; throws <see cref="InvalidDataException"/> naming the
    /// problem on one line.
    /// </summary>
    public static ModelCard FromJson(string json)
    {
        int version;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("model card is not a JSON object");
            version = doc.RootElement.TryGetProperty("format_version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : 1;
        }
        catch (JsonException e) { throw new InvalidDataException($"model card is not valid JSON: {OneLine(e.Message)}", e); }
        return version switch
        {
            1 => ModelCardFormat1.Read(json),
            CurrentFormatVersion => Deserialize<ModelCard>(json).Validate(),
            _ => throw new InvalidDataException($"model card format_version {version} is not supported (this build reads 1 and {CurrentFormatVersion})"),
        };
    }

    internal static T Deserialize<T>(string json) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException("model card is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"model card: {OneLine(e.Message)}", e); }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first invalid field.</summary>
    public ModelCard Validate()
    {
        Require(FormatVersion == CurrentFormatVersion, $"format_version {FormatVersion} is not {CurrentFormatVersion}");
        Require(ModelKinds.IsWellFormed(Kind), $"kind '{Kind}' is not a lower-case kebab name (known: {string.Join(", ", ModelKinds.Known)})");
        Require(!string.IsNullOrWhiteSpace(Algo), "algo is empty");
        Require(!string.IsNullOrWhiteSpace(EnvId), "env_id is empty");
        CheckSpace("observation_space", ObservationSpace);
        CheckSpace("action_space", ActionSpace);
        Require(ControlPeriodSeconds > 0 && double.IsFinite(ControlPeriodSeconds), $"control_period_seconds must be > 0, got {ControlPeriodSeconds}");
        Require(!string.IsNullOrWhiteSpace(TrainingDataDigest), "training_data_digest is empty");
        Require(TrainingTransitions >= 0, $"training_transitions must be >= 0, got {TrainingTransitions}");
        Require(Graphs is { Count: > 0 }, "graphs is empty (role -> '.' or a file name)");
        foreach (var (role, where) in Graphs)
        {
            Require(!string.IsNullOrWhiteSpace(role) && !string.IsNullOrWhiteSpace(where), $"graphs has an empty role or location ('{role}': '{where}')");
            Require(where == ThisFile || (Path.GetFileName(where) == where && where != ".."),
                    $"graphs['{role}'] = '{where}' must be '{ThisFile}' or a file name beside the card's file");
        }
        if (Ensemble is { } e)
        {
            Require(e.Size >= 1, $"ensemble.size must be >= 1, got {e.Size}");
            Require(e.Elites >= 1 && e.Elites <= e.Size, $"ensemble.elites must be in [1, size={e.Size}], got {e.Elites}");
            Require(DisagreementMeasures.TryParse(e.Disagreement, out _),
                    $"ensemble.disagreement '{e.Disagreement}' is not a known measure ({string.Join(", ", DisagreementMeasures.Names)})");
        }
        if (Uncertainty is { } u)
        {
            Require(!string.IsNullOrWhiteSpace(u.Method), "uncertainty.method is empty");
            Require(u.P99 >= 0 && double.IsFinite(u.P99), $"uncertainty.p99 must be finite and >= 0, got {u.P99}");
            Require(u.Max >= u.P99 && double.IsFinite(u.Max), $"uncertainty.max must be finite and >= uncertainty.p99, got {u.Max}");
            if (u.Threshold is { } th) Require(th > 0 && double.IsFinite(th), $"uncertainty.threshold must be finite and > 0, got {th}");
            if (u.TargetFalseVetoRate is { } r) Require(r > 0 && r < 1, $"uncertainty.target_false_veto_rate must be in (0, 1), got {r}");
            Require(u.Threshold is null || !string.IsNullOrWhiteSpace(u.ThresholdMethod), "uncertainty.threshold needs uncertainty.threshold_method");
            if (u.Hysteresis is { } h)
                Require(h.ExitFraction > 0 && h.ExitFraction <= 1 && h.MinVetoTicks >= 1,
                        $"uncertainty.hysteresis needs exit_fraction in (0, 1] and min_veto_ticks >= 1, got {h.ExitFraction} and {h.MinVetoTicks}");
        }
        if (TaskCost is { } t) Require(!string.IsNullOrWhiteSpace(t.Task), "task_cost.task is empty");
        if (Kind == ModelKinds.EnsembleDynamics)
        {
            Require(Ensemble is not null, "an ensemble-dynamics card needs the ensemble section");
            Require(HasGraph(GraphRoles.Step), $"an ensemble-dynamics card needs graphs['{GraphRoles.Step}']");
        }
        return this;
    }

    private static void CheckSpace(string name, CardSpace? s)
    {
        Require(s is not null, $"{name} is missing");
        Require(s!.Names is { Length: > 0 } && s.Low is not null && s.High is not null
                && s.Names.Length == s.Low.Length && s.Names.Length == s.High.Length,
                $"{name} needs names, low and high of one non-zero length");
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new InvalidDataException("model card: " + message);
    }
}
