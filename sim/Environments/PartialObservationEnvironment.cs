using Robotics.Core.Models;
using Robotics.Core.Spaces;
using Robotics.Core.Tasks;

namespace Robotics.Sim.Environments;

/// <summary>
/// A built-in robot whose observation hides part of its state (position-only encoders): the full environment
/// steps, and only <see cref="PartialObservationTask.Observed"/> dimensions reach the caller. Rewards and
/// termination come from the true state; the analytic cost is the task library's partial task (what a
/// planner can compute from the visible dimensions). The unwrapped environment is <see cref="Inner"/>.
/// </summary>
public sealed class PartialObservationEnvironment : IEnvironment, IEpisodeMetadataSource
{
    private readonly PartialObservationTask _task;
    private readonly float[] _full;

    public PartialObservationEnvironment(IEnvironment inner, PartialObservationTask task)
    {
        if (task.Observed.FullDimension != inner.ObservationSpace.Dimension)
            throw new ArgumentException($"{task.Id}: {inner.Id} observes {inner.ObservationSpace.Dimension} dimensions, the task expects {task.Observed.FullDimension}");
        Inner = inner;
        _task = task;
        _full = new float[task.Observed.FullDimension];
        BoxSpace s = inner.ObservationSpace;
        int[] kept = [.. task.Observed.Kept];
        ObservationSpace = new BoxSpace([.. kept.Select(i => s.Low[i])], [.. kept.Select(i => s.High[i])], [.. kept.Select(i => s.Names[i])]);
    }

    /// <summary>Pendulum-v1 with [cos th, sin th] only.</summary>
    public static PartialObservationEnvironment PendulumPosition(int seed) =>
        new(new Pendulum(seed), Task(PartialObservationTask.PendulumPositionId));

    /// <summary>Cartpole swing-up with [x, cos th, sin th] only.</summary>
    public static PartialObservationEnvironment CartpoleSwingupPosition(int seed) =>
        new(new CartpoleSwingup(seed), Task(PartialObservationTask.CartpoleSwingupPositionId));

    public IEnvironment Inner { get; }
    public string Id => _task.Id;
    public BoxSpace ObservationSpace { get; }
    public BoxSpace ActionSpace => Inner.ActionSpace;
    public TimeSpan ControlPeriod => Inner.ControlPeriod;
    public float[] SafeAction => Inner.SafeAction;
    public int MaxEpisodeSteps => Inner.MaxEpisodeSteps;
    public IAnalyticCost Cost => _task.Cost;
    /// <summary>The last full observation (ground truth for tests and plots; never sent to a controller).</summary>
    public ReadOnlySpan<float> FullObservation => _full;

    public void Reset(int? seed, Span<float> obs)
    {
        Inner.Reset(seed, _full);
        _task.Observed.Select(_full, obs);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        StepResult r = Inner.Step(action, _full);
        _task.Observed.Select(_full, obs);
        return r;
    }

    public void DescribeEpisode(IDictionary<string, string> into)
    {
        into["observed_dimensions"] = string.Join(",", _task.Observed.Kept);
        if (Inner is IEpisodeMetadataSource inner) inner.DescribeEpisode(into);
    }

    private static PartialObservationTask Task(string id) =>
        TaskLibrary.TryGet(id, out ITaskDefinition t) ? (PartialObservationTask)t : throw new InvalidOperationException($"task library has no '{id}'");
}
