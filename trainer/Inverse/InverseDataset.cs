using Robotics.Core.Episodes;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;

namespace Robotics.Trainer.Inverse;

/// <summary>
/// Transitions as an inverse model sees them, row-major: s, s' and the target, the action the robot executed: the
/// recorded command clipped to the action box, then the task's <see cref="ITaskDefinition.ToExecutedAction"/>
/// (cartpole: the push index). A command outside the box has no effect beyond its clipped value, so the clipped
/// one is what (s, s') can tell. The network's features are [s, s' - s] (<see cref="Features"/>).
/// </summary>
internal sealed class InverseDataset
{
    private InverseDataset(int obsDim, int actDim, float[] obs, float[] next, float[] targets, long[] episodes)
    {
        ObsDim = obsDim; ActDim = actDim; Obs = obs; NextObs = next; Targets = targets; Episodes = episodes;
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int FeatureDim => 2 * ObsDim;
    public int Count => Episodes.Length;
    /// <summary>[Count, obs].</summary>
    public float[] Obs { get; }
    /// <summary>[Count, obs].</summary>
    public float[] NextObs { get; }
    /// <summary>[Count, act]: executed actions.</summary>
    public float[] Targets { get; }
    /// <summary>The episode each row comes from.</summary>
    public long[] Episodes { get; }

    /// <summary>[Count, 2 obs]: s then s' - s (the graph computes the same from its two inputs).</summary>
    public float[] Features()
    {
        int o = ObsDim;
        var f = new float[Count * 2 * o];
        for (int i = 0; i < Count; i++)
            for (int d = 0; d < o; d++)
            {
                f[i * 2 * o + d] = Obs[i * o + d];
                f[i * 2 * o + o + d] = NextObs[i * o + d] - Obs[i * o + d];
            }
        return f;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first transition whose sizes differ from the first one's.</summary>
    public static InverseDataset From(IReadOnlyList<Transition> data, BoxSpace actionBox, ITaskDefinition? task)
    {
        if (data.Count == 0) throw new InvalidDataException("no transitions to train on");
        int o = data[0].Obs.Length, a = data[0].Action.Length;
        if (a != actionBox.Dimension) throw new InvalidDataException($"transition 0 has {a} action values, the action space {actionBox.Dimension}");
        var obs = new float[data.Count * o];
        var next = new float[data.Count * o];
        var targets = new float[data.Count * a];
        var episodes = new long[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            Transition t = data[i];
            if (t.Obs.Length != o || t.NextObs.Length != o || t.Action.Length != a)
                throw new InvalidDataException($"transition {i} (episode {t.Episode}, step {t.Step}): sizes differ from the first transition's");
            t.Obs.CopyTo(obs, i * o);
            t.NextObs.CopyTo(next, i * o);
            Span<float> target = targets.AsSpan(i * a, a);
            t.Action.CopyTo(target);
            actionBox.Clip(target);
            task?.ToExecutedAction(target);
            episodes[i] = t.Episode;
        }
        return new InverseDataset(o, a, obs, next, targets, episodes);
    }

    /// <summary>The rows whose episode is in <paramref name="episodes"/>, in data order.</summary>
    public InverseDataset OfEpisodes(IReadOnlySet<long> episodes)
    {
        var rows = new List<int>();
        for (int i = 0; i < Count; i++) if (episodes.Contains(Episodes[i])) rows.Add(i);
        int o = ObsDim, a = ActDim;
        var obs = new float[rows.Count * o];
        var next = new float[rows.Count * o];
        var targets = new float[rows.Count * a];
        var ep = new long[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            Array.Copy(Obs, rows[k] * o, obs, k * o, o);
            Array.Copy(NextObs, rows[k] * o, next, k * o, o);
            Array.Copy(Targets, rows[k] * a, targets, k * a, a);
            ep[k] = Episodes[rows[k]];
        }
        return new InverseDataset(o, a, obs, next, targets, ep);
    }
}
