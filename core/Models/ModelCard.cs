using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robotics.Core.Models;

/// <summary>A box space as written in a model card.</summary>
public sealed record CardSpace(string[] Names, float[] Low, float[] High);

/// <summary>
/// The model card stored as JSON under the ONNX metadata key <see cref="MetadataKey"/>: what the model
/// was trained for, on what data, how well it did, and the calibrated disagreement threshold the safety
/// gate uses.
/// </summary>
public sealed record ModelCard
{
    public const string MetadataKey = "robotics.card";
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>Algorithm that produced the model, e.g. "pets".</summary>
    public string Algo { get; init; } = "pets";
    public required string EnvId { get; init; }
    public required CardSpace ObservationSpace { get; init; }
    public required CardSpace ActionSpace { get; init; }
    public required double ControlPeriodSeconds { get; init; }
    public required int EnsembleSize { get; init; }
    public required int Elites { get; init; }
    /// <summary>SHA-256 (hex) over the Parquet files the model was trained on, in file-name order.</summary>
    public required string TrainingDataDigest { get; init; }
    public long TrainingTransitions { get; init; }
    public Dictionary<string, double> Metrics { get; init; } = new();
    public required string TrainerVersion { get; init; }
    /// <summary>99th percentile of disagreement D on the validation split (normalised output units).</summary>
    public required double DisagreementP99 { get; init; }
    /// <summary>Maximum disagreement D on the validation split.</summary>
    public required double DisagreementMax { get; init; }
    /// <summary>Names of the graphs/outputs the file provides beyond the step graph (e.g. fused rollout).</summary>
    public string[] Capabilities { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates a card; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static ModelCard FromJson(string json)
    {
        ModelCard? card;
        try { card = JsonSerializer.Deserialize<ModelCard>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"model card is not valid JSON: {e.Message}", e); }
        if (card is null) throw new InvalidDataException("model card is empty");
        return card.Validate();
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first invalid field.</summary>
    public ModelCard Validate()
    {
        if (FormatVersion != CurrentFormatVersion)
            throw new InvalidDataException($"model card format_version {FormatVersion} is not supported (expected {CurrentFormatVersion})");
        if (string.IsNullOrWhiteSpace(EnvId)) throw new InvalidDataException("model card: env_id is empty");
        CheckSpace("observation_space", ObservationSpace);
        CheckSpace("action_space", ActionSpace);
        if (!(ControlPeriodSeconds > 0)) throw new InvalidDataException($"model card: control_period_seconds must be > 0, got {ControlPeriodSeconds}");
        if (EnsembleSize < 1) throw new InvalidDataException($"model card: ensemble_size must be >= 1, got {EnsembleSize}");
        if (Elites < 1 || Elites > EnsembleSize) throw new InvalidDataException($"model card: elites must be in [1, ensemble_size={EnsembleSize}], got {Elites}");
        if (!(DisagreementP99 >= 0) || !double.IsFinite(DisagreementP99)) throw new InvalidDataException($"model card: disagreement_p99 must be finite and >= 0, got {DisagreementP99}");
        if (!(DisagreementMax >= DisagreementP99) || !double.IsFinite(DisagreementMax)) throw new InvalidDataException($"model card: disagreement_max must be finite and >= disagreement_p99, got {DisagreementMax}");
        if (string.IsNullOrWhiteSpace(TrainingDataDigest)) throw new InvalidDataException("model card: training_data_digest is empty");
        return this;
    }

    private static void CheckSpace(string name, CardSpace? s)
    {
        if (s is null) throw new InvalidDataException($"model card: {name} is missing");
        if (s.Names is null || s.Low is null || s.High is null || s.Names.Length == 0
            || s.Names.Length != s.Low.Length || s.Names.Length != s.High.Length)
            throw new InvalidDataException($"model card: {name} needs names, low and high of one non-zero length");
    }
}
