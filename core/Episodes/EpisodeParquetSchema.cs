using Parquet.Schema;

namespace Robotics.Core.Episodes;

/// <summary>
/// The Parquet layout of <see cref="EpisodeSchema"/>: required scalar columns and standard three-level LIST
/// columns (<c>obs.list.element</c>) of required float32 elements. Parquet.Net 6.1 always declares the
/// list group itself optional; the writer never writes a null list and the reader rejects one.
/// </summary>
internal static class EpisodeParquetSchema
{
    public static readonly DataField<long> Episode = new(EpisodeSchema.Episode, false);
    public static readonly DataField<int> Step = new(EpisodeSchema.Step, false);
    public static readonly DataField<double> Time = new(EpisodeSchema.Time, false);
    public static readonly DataField<float> ObsItem = new(ListField.ElementName, false);
    public static readonly ListField Obs = new(EpisodeSchema.Obs, ObsItem);
    public static readonly DataField<float> ActionItem = new(ListField.ElementName, false);
    public static readonly ListField Action = new(EpisodeSchema.Action, ActionItem);
    public static readonly DataField<float> Reward = new(EpisodeSchema.Reward, false);
    public static readonly DataField<float> NextObsItem = new(ListField.ElementName, false);
    public static readonly ListField NextObs = new(EpisodeSchema.NextObs, NextObsItem);
    public static readonly DataField<bool> Terminated = new(EpisodeSchema.Terminated, false);
    public static readonly DataField<bool> Truncated = new(EpisodeSchema.Truncated, false);
    public static readonly DataField<string> Source = new(EpisodeSchema.Source, false);
    public static readonly DataField<string> RobotId = new(EpisodeSchema.RobotId, false);
    public static readonly DataField<bool> Vetoed = new(EpisodeSchema.Vetoed, false);
    public static readonly DataField<string> Safety = new(EpisodeSchema.Safety, false);
    public static readonly DataField<float> ProposedItem = new(ListField.ElementName, false);
    public static readonly ListField Proposed = new(EpisodeSchema.Proposed, ProposedItem);

    /// <summary>Columns in file order (the order of <see cref="EpisodeSchema"/>).</summary>
    public static readonly ParquetSchema Schema = new(
        Episode, Step, Time, Obs, Action, Reward, NextObs, Terminated, Truncated, Source, RobotId, Vetoed, Safety, Proposed);

    public static string ToWire(DataSource source) => source switch
    {
        DataSource.Sim => "sim",
        DataSource.Real => "real",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "source must be sim or real"),
    };

    public static bool TryParseSource(string? text, out DataSource source)
    {
        switch (text)
        {
            case "sim": source = DataSource.Sim; return true;
            case "real": source = DataSource.Real; return true;
            default: source = default; return false;
        }
    }
}
