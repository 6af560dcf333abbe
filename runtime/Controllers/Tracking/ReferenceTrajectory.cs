using Robotics.Core.Episodes;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Controllers.Tracking;

/// <summary>
/// A reference state trajectory s*_0 .. s*_T from one recorded episode (a Parquet file of core's episode store): the
/// observation of each transition and the last one's next observation, in step order. Immutable after load.
/// </summary>
public sealed class ReferenceTrajectory
{
    private readonly float[] _states;

    public ReferenceTrajectory(float[] states, int obsDim)
    {
        if (obsDim < 1 || states.Length < 2 * obsDim || states.Length % obsDim != 0)
            throw new ArgumentException($"reference: needs at least two states of {obsDim} values, got {states.Length} values");
        _states = states; ObsDim = obsDim;
    }

    public int ObsDim { get; }
    /// <summary>States in the reference (T + 1).</summary>
    public int Length => _states.Length / ObsDim;
    public string Source { get; init; } = "";

    /// <summary>Real-time. State <paramref name="t"/>, held at the last state past the end.</summary>
    public ReadOnlySpan<float> State(int t) => _states.AsSpan(Math.Clamp(t, 0, Length - 1) * ObsDim, ObsDim);

    /// <summary>
    /// Not real-time. Reads episode <paramref name="path"/> (a .parquet file holding one episode); one-line
    /// <see cref="FileNotFoundException"/> / <see cref="InvalidDataException"/> when it is missing, empty, holds
    /// several episodes, or its observations do not fit <paramref name="robot"/>'s space.
    /// </summary>
    public static ReferenceTrajectory Load(string path, RobotSpec? robot)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--reference: file '{path}' does not exist (give one episode's .parquet file)", path);
        IReadOnlyList<Transition> rows;
        try { rows = EpisodeReader.ReadFile(path); }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException($"--reference '{path}' is not a recorded episode: {e.Message}");
        }
        if (rows.Count == 0) throw new InvalidDataException($"--reference '{path}' holds no transitions");
        if (rows.Any(r => r.Episode != rows[0].Episode))
            throw new InvalidDataException($"--reference '{path}' holds several episodes; give one episode's file");
        var ordered = rows.OrderBy(r => r.Step).ToList();
        int obs = ordered[0].Obs.Length;
        if (robot is not null && obs != robot.ObservationSpace.Dimension)
            throw new InvalidDataException($"--reference '{path}' has {obs}-d observations but robot '{robot.Id}' reports {robot.ObservationSpace.Dimension}");
        var states = new float[(ordered.Count + 1) * obs];
        for (int i = 0; i < ordered.Count; i++) ordered[i].Obs.CopyTo(states, i * obs);
        ordered[^1].NextObs.CopyTo(states, ordered.Count * obs);
        foreach (float v in states)
            if (!float.IsFinite(v)) throw new InvalidDataException($"--reference '{path}' holds a non-finite observation");
        return new ReferenceTrajectory(states, obs) { Source = path };
    }
}
