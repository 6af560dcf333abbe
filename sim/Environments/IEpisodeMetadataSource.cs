namespace Robotics.Sim.Environments;

/// <summary>
/// An environment whose episodes differ in ways the data must record (e.g. randomised physics): after each
/// Reset it describes the current episode as key-value pairs for the episode's Parquet metadata.
/// </summary>
public interface IEpisodeMetadataSource
{
    /// <summary>Not real-time. Adds the current episode's entries to <paramref name="into"/>.</summary>
    void DescribeEpisode(IDictionary<string, string> into);
}
