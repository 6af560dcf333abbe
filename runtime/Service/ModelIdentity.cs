using System.Security.Cryptography;
using Robotics.Core.Models;

namespace Robotics.Runtime.Service;

/// <summary>
/// Which model drives the robot, as metrics, logs and recordings name it: the card's kind and algorithm and the
/// SHA-256 of the model file (with the safety model's, when one is given, hashed after it).
/// </summary>
public sealed record ModelIdentity(string Path, string Kind, string Algo, string Digest)
{
    /// <summary>Not real-time (reads the files).</summary>
    public static ModelIdentity Of(string modelPath, string? safetyModelPath, ModelCard card)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string? p in new[] { modelPath, safetyModelPath })
        {
            if (p is null) continue;
            sha.AppendData(File.ReadAllBytes(p));
        }
        return new ModelIdentity(modelPath, card.Kind, card.Algo, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>The first 12 hex digits, for log lines.</summary>
    public string Short => Digest[..12];
}
