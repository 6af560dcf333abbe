namespace Robotics.Core.Episodes;

/// <summary>How an <see cref="EpisodeWriter"/> stores episodes. Immutable; validated by the writer's constructor.</summary>
public sealed record EpisodeWriterOptions
{
    /// <summary>
    /// fsync each file before its rename and the directory after it, so a finished episode survives a power
    /// loss, not only a killed process. Off only where durability does not matter (scratch data, tests).
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Replace an existing file of the same episode id instead of failing.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Key-value pairs stored in every file's Parquet footer (e.g. env id, policy, seed). Keys must be non-empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    internal EpisodeWriterOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Metadata, nameof(Metadata));
        foreach (var (key, value) in Metadata)
        {
            if (string.IsNullOrWhiteSpace(key))
                throw new ArgumentException("episode writer metadata keys must be non-empty", nameof(Metadata));
            if (value is null)
                throw new ArgumentException($"episode writer metadata '{key}' has a null value", nameof(Metadata));
        }
        return this;
    }
}
