using Robotics.Core.Episodes;

namespace Robotics.Trainer.Models;

/// <summary>
/// Transitions as the dynamics model sees them, row-major: inputs [obs, action] and targets
/// [next_obs - obs, reward]. Predicting the change rather than the next observation is the standard
/// PETS choice: deltas are small and similar across the state space, which makes them easier to fit.
/// </summary>
internal sealed class DynamicsDataset
{
    private DynamicsDataset(int obsDim, int actDim, float[] inputs, float[] targets)
    {
        ObsDim = obsDim; ActDim = actDim; Inputs = inputs; Targets = targets;
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int InputDim => ObsDim + ActDim;
    public int TargetDim => ObsDim + 1;
    public int Count => Inputs.Length / InputDim;
    /// <summary>[Count, obs + act].</summary>
    public float[] Inputs { get; }
    /// <summary>[Count, obs + 1].</summary>
    public float[] Targets { get; }

    /// <summary>
    /// Builds the matrices; throws <see cref="InvalidDataException"/> naming the first transition (index,
    /// episode, step) whose sizes disagree with the first one's or that holds a NaN or infinity.
    /// </summary>
    public static DynamicsDataset From(IReadOnlyList<Transition> data)
    {
        if (data.Count == 0) throw new InvalidDataException("no transitions to train on");
        int obsDim = data[0].Obs.Length, actDim = data[0].Action.Length;
        if (obsDim == 0 || actDim == 0) throw new InvalidDataException("transition 0 has an empty observation or action");
        int inDim = obsDim + actDim, outDim = obsDim + 1;
        var inputs = new float[data.Count * inDim];
        var targets = new float[data.Count * outDim];
        for (int i = 0; i < data.Count; i++)
        {
            Transition t = data[i];
            string where = $"transition {i} (episode {t.Episode}, step {t.Step})";
            if (t.Obs.Length != obsDim || t.NextObs.Length != obsDim || t.Action.Length != actDim)
                throw new InvalidDataException($"{where}: obs/action/next_obs sizes {t.Obs.Length}/{t.Action.Length}/{t.NextObs.Length} differ from the first transition's {obsDim}/{actDim}/{obsDim}");
            if (!AllFinite(t.Obs) || !AllFinite(t.Action) || !AllFinite(t.NextObs) || !float.IsFinite(t.Reward))
                throw new InvalidDataException($"{where}: contains NaN or infinity");
            t.Obs.CopyTo(inputs, i * inDim);
            t.Action.CopyTo(inputs, i * inDim + obsDim);
            for (int d = 0; d < obsDim; d++) targets[i * outDim + d] = t.NextObs[d] - t.Obs[d];
            targets[i * outDim + obsDim] = t.Reward;
        }
        return new DynamicsDataset(obsDim, actDim, inputs, targets);
    }

    /// <summary>The given rows, in the given order.</summary>
    public DynamicsDataset Rows(IReadOnlyList<int> rows)
    {
        var inputs = new float[rows.Count * InputDim];
        var targets = new float[rows.Count * TargetDim];
        for (int i = 0; i < rows.Count; i++)
        {
            Array.Copy(Inputs, rows[i] * InputDim, inputs, i * InputDim, InputDim);
            Array.Copy(Targets, rows[i] * TargetDim, targets, i * TargetDim, TargetDim);
        }
        return new DynamicsDataset(ObsDim, ActDim, inputs, targets);
    }

    /// <summary>Observations [Count, obs] and actions [Count, act] split out of the inputs.</summary>
    public (float[] Obs, float[] Actions) ObsAndActions()
    {
        var obs = new float[Count * ObsDim];
        var act = new float[Count * ActDim];
        for (int i = 0; i < Count; i++)
        {
            Array.Copy(Inputs, i * InputDim, obs, i * ObsDim, ObsDim);
            Array.Copy(Inputs, i * InputDim + ObsDim, act, i * ActDim, ActDim);
        }
        return (obs, act);
    }

    private static bool AllFinite(float[] xs)
    {
        foreach (float x in xs) if (!float.IsFinite(x)) return false;
        return true;
    }
}
