using Robotics.Core.Models;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Environments.Faults;

/// <summary>
/// Any environment with actuator and sensor faults injected (hardware-in-the-loop testing): the commanded
/// action passes through gain loss, stuck dimensions and added latency before the physics steps, and the
/// observation the robot reports passes through dropped states, noise and bias after. Rewards and
/// termination come from the true state. Each fault acts from its start step of every episode; noise and
/// drops draw from a generator re-seeded with each seeded reset. The faults go in the episode metadata
/// (key "faults"). The unwrapped environment is <see cref="Inner"/>.
/// </summary>
public sealed class FaultyEnvironment : IEnvironment, IEpisodeMetadataSource
{
    private readonly FaultSpec[] _faults;
    private readonly SeededRandom _rng;
    private readonly float[] _applied, _lastApplied, _stuck, _lastObs, _delay, _safe;
    private readonly bool[] _stuckSet;
    private readonly int _delaySteps;
    private int _step, _delayHead;

    public FaultyEnvironment(IEnvironment inner, IReadOnlyList<FaultSpec> faults, int seed = 0)
    {
        Inner = inner;
        _faults = [.. faults];
        int a = inner.ActionSpace.Dimension, o = inner.ObservationSpace.Dimension;
        foreach (var f in _faults)
        {
            int dims = f.OnActuator ? a : o;
            if (f.Dim >= dims) throw new ArgumentException($"--fault '{f}': dim {f.Dim} is outside the {(f.OnActuator ? "action" : "observation")} space of {inner.Id} ({dims} dimensions)");
        }
        if (_faults.Count(f => f.Kind == FaultKind.Delay) > 1) throw new ArgumentException("--fault: at most one delay");
        _delaySteps = _faults.FirstOrDefault(f => f.Kind == FaultKind.Delay)?.Steps ?? 0;
        _rng = new SeededRandom(seed);
        _applied = new float[a]; _lastApplied = new float[a]; _stuck = new float[a]; _stuckSet = new bool[a];
        _lastObs = new float[o];
        _safe = inner.SafeAction;
        _delay = new float[Math.Max(_delaySteps, 1) * a];
    }

    public IEnvironment Inner { get; }
    public IReadOnlyList<FaultSpec> Faults => _faults;
    public string Id => Inner.Id;
    public BoxSpace ObservationSpace => Inner.ObservationSpace;
    public BoxSpace ActionSpace => Inner.ActionSpace;
    public TimeSpan ControlPeriod => Inner.ControlPeriod;
    public float[] SafeAction => Inner.SafeAction;
    public int MaxEpisodeSteps => Inner.MaxEpisodeSteps;
    public IAnalyticCost Cost => Inner.Cost;
    /// <summary>The action the physics received at the last step (after the actuator faults); for tests and monitors' ground truth.</summary>
    public ReadOnlySpan<float> AppliedAction => _lastApplied;

    public void Reset(int? seed, Span<float> obs)
    {
        if (seed is int s) _rng.Reseed(s);
        Inner.Reset(seed, obs);
        _step = 0; _delayHead = 0;
        float[] safe = _safe;
        for (int k = 0; k < Math.Max(_delaySteps, 1); k++) safe.CopyTo(_delay, k * safe.Length);
        safe.CopyTo(_lastApplied, 0);
        Array.Clear(_stuckSet);
        obs.CopyTo(_lastObs);
        Sense(obs, fresh: true);
    }

    /// <summary>Hot path, allocation-free.</summary>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> obs)
    {
        int a = _applied.Length;
        action.CopyTo(_applied);
        Inner.ActionSpace.Clip(_applied);
        if (_delaySteps > 0)
        {
            // The ring holds the last N commands: apply the oldest, store the newest in its place.
            Span<float> slot = _delay.AsSpan(_delayHead * a, a);
            bool active = Active(FaultKind.Delay);
            if (active) { for (int j = 0; j < a; j++) (slot[j], _applied[j]) = (_applied[j], slot[j]); }
            else _applied.CopyTo(slot);
            _delayHead = (_delayHead + 1) % _delaySteps;
        }
        foreach (var f in _faults)
        {
            if (_step < f.Start) continue;
            for (int j = 0; j < a; j++)
            {
                if (f.Dim >= 0 && f.Dim != j) continue;
                if (f.Kind == FaultKind.Gain) _applied[j] = (float)(f.Factor * _applied[j]);
                else if (f.Kind == FaultKind.Stuck)
                {
                    if (!_stuckSet[j]) { _stuck[j] = f.Value is double v ? (float)v : _lastApplied[j]; _stuckSet[j] = true; }
                    _applied[j] = _stuck[j];
                }
            }
        }
        var r = Inner.Step(_applied, obs);
        _applied.CopyTo(_lastApplied, 0);
        _step++;
        Sense(obs, fresh: false);
        return r;
    }

    public void DescribeEpisode(IDictionary<string, string> into)
    {
        if (Inner is IEpisodeMetadataSource inner) inner.DescribeEpisode(into);
        into["faults"] = string.Join(";", _faults.Select(f => f.ToString()));
    }

    private bool Active(FaultKind kind)
    {
        foreach (var f in _faults) if (f.Kind == kind && _step >= f.Start) return true;
        return false;
    }

    /// <summary>Hot path. Sensor faults on the reported observation; the true one is kept for the next drop.</summary>
    private void Sense(Span<float> obs, bool fresh)
    {
        bool dropped = false;
        foreach (var f in _faults)
            if (f.Kind == FaultKind.Drop && _step >= f.Start && !fresh && _rng.NextDouble() < f.Probability) dropped = true;
        if (dropped) { _lastObs.CopyTo(obs); return; }
        foreach (var f in _faults)
        {
            if (_step < f.Start || f.Kind is not (FaultKind.Noise or FaultKind.Bias)) continue;
            for (int j = 0; j < obs.Length; j++)
            {
                if (f.Dim >= 0 && f.Dim != j) continue;
                obs[j] += f.Kind == FaultKind.Noise ? (float)(f.Std * _rng.NextGaussian()) : (float)(f.Value ?? 0);
            }
        }
        obs.CopyTo(_lastObs);
    }
}
