using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Robotics.Core.Robots;

namespace Robotics.Safety.Envelope;

/// <summary>A robot's spec (or the model file) disagrees with the trusted deployment envelope.</summary>
public sealed class EnvelopeMismatchException(string message) : Exception(message);

/// <summary>
/// The trusted envelope of one deployment, from the runtime's own configuration (a JSON file beside the
/// model, not the robot's unauthenticated spec): which robot, its safe action, the widest action box the
/// gate may allow, and optionally the SHA-256 of the model file. The robot's spec is checked against it
/// before any command; a spec that disagrees (a forged retained spec with another safe action, another
/// robot's id behind the address) is refused. Not real-time.
/// <code>
/// {"robot_id":"r1","env":"pendulum","safe_action":[0],"action_low":[-2],"action_high":[2],"model_sha256":"..."}
/// </code>
/// </summary>
public sealed record DeploymentEnvelope
{
    public required string RobotId { get; init; }
    /// <summary>Optional: the robot's kind (spec <c>env</c>).</summary>
    public string? EnvId { get; init; }
    public required float[] SafeAction { get; init; }
    /// <summary>Optional: the robot's declared action box must lie inside [low, high].</summary>
    public float[]? ActionLow { get; init; }
    public float[]? ActionHigh { get; init; }
    /// <summary>Optional: lower-case hex SHA-256 of the model file.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Reads and validates the file; anything wrong is an <see cref="ArgumentException"/> with one line naming the file.</summary>
    public static DeploymentEnvelope Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"deployment '{path}': file not found");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException("not a JSON object");
            string id = root.TryGetProperty("robot_id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : throw new ArgumentException("'robot_id' (string) is required");
            var envelope = new DeploymentEnvelope
            {
                RobotId = id,
                EnvId = root.TryGetProperty("env", out var e) ? e.GetString() : null,
                SafeAction = Floats(root, "safe_action") ?? throw new ArgumentException("'safe_action' (numbers) is required"),
                ActionLow = Floats(root, "action_low"),
                ActionHigh = Floats(root, "action_high"),
                ModelSha256 = root.TryGetProperty("model_sha256", out var h) ? h.GetString()?.ToLowerInvariant() : null,
            };
            return envelope.Validate();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ArgumentException($"deployment '{path}': {ex.Message}", ex);
        }
    }

    public DeploymentEnvelope Validate()
    {
        if (string.IsNullOrWhiteSpace(RobotId)) throw new ArgumentException("robot_id is empty");
        if (SafeAction.Length == 0 || SafeAction.Any(v => !float.IsFinite(v))) throw new ArgumentException("safe_action must be finite numbers");
        if ((ActionLow is null) != (ActionHigh is null)) throw new ArgumentException("action_low and action_high go together");
        if (ActionLow is { } lo && ActionHigh is { } hi)
        {
            if (lo.Length != SafeAction.Length || hi.Length != SafeAction.Length) throw new ArgumentException("action_low/action_high must have the safe action's length");
            for (int k = 0; k < lo.Length; k++)
                if (!(lo[k] <= SafeAction[k] && SafeAction[k] <= hi[k])) throw new ArgumentException($"safe_action[{k}] is outside [action_low, action_high]");
        }
        if (ModelSha256 is { } sha && (sha.Length != 64 || !sha.All(Uri.IsHexDigit))) throw new ArgumentException("model_sha256 must be 64 hex digits");
        return this;
    }

    /// <summary>Throws <see cref="EnvelopeMismatchException"/> (one line) when the robot's spec disagrees with the envelope.</summary>
    public void Check(RobotSpec spec)
    {
        if (spec.Id != RobotId) Fail($"the robot answering is '{spec.Id}', the deployment is for '{RobotId}'");
        if (EnvId is not null && spec.EnvId != EnvId) Fail($"robot '{spec.Id}' says it is a '{spec.EnvId}', the deployment is for a '{EnvId}'");
        if (spec.SafeAction.Length != SafeAction.Length) Fail($"robot '{spec.Id}' has {spec.SafeAction.Length} action dimensions, the deployment {SafeAction.Length}");
        for (int k = 0; k < SafeAction.Length; k++)
            if (MathF.Abs(spec.SafeAction[k] - SafeAction[k]) > 1e-6f)
                Fail($"robot '{spec.Id}' declares safe_action {Text(spec.SafeAction)}, the deployment's is {Text(SafeAction)}");
        if (ActionLow is { } lo && ActionHigh is { } hi)
            for (int k = 0; k < lo.Length; k++)
                if (spec.ActionSpace.Low[k] < lo[k] || spec.ActionSpace.High[k] > hi[k])
                    Fail($"robot '{spec.Id}' declares action[{k}] in [{spec.ActionSpace.Low[k]}, {spec.ActionSpace.High[k]}], wider than the deployment's [{lo[k]}, {hi[k]}]");
    }

    /// <summary>Throws <see cref="EnvelopeMismatchException"/> when <see cref="ModelSha256"/> is set and the file's digest differs.</summary>
    public void CheckModel(string modelPath)
    {
        if (ModelSha256 is null) return;
        string actual;
        using (var f = File.OpenRead(modelPath)) actual = Convert.ToHexStringLower(SHA256.HashData(f));
        if (actual != ModelSha256) Fail($"model '{modelPath}' has SHA-256 {actual}, the deployment expects {ModelSha256}");
    }

    private static void Fail(string why) => throw new EnvelopeMismatchException("deployment: " + why + "; refused before any command");

    private static string Text(float[] v) => "[" + string.Join(", ", v.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]";

    private static float[]? Floats(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(x => x.GetSingle()).ToArray() : null;
}
