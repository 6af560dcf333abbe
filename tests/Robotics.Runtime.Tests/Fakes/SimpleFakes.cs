using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Safety;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>A cheap controller: PD-style torque towards upright; no candidates. Remembers what the gate sent.</summary>
public sealed class PdPolicy : IController
{
    public float LastSent { get; private set; } = float.NaN;
    public SafetyDecision LastDecision { get; private set; }
    public int Observed { get; private set; }
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { LastSent = sent[0]; LastDecision = decision; Observed++; }
    public void Dispose() { }
    public int ActDim => 1;
    public int Resets { get; private set; }
    public void Reset() => Resets++;
    public void Act(ReadOnlySpan<float> obs, Span<float> action) =>
        action[0] = Math.Clamp(-2f * MathF.Atan2(obs[1], obs[0]) - 0.5f * obs[2], -2f, 2f);
    public ReadOnlySpan<float> Candidates => ReadOnlySpan<float>.Empty;
}

/// <summary>A gate that clamps to ±limit and vetoes every n-th command (sending the safe action 0).</summary>
public sealed class ClampingVetoGate(float limit, int vetoEvery) : ICommandGate
{
    private int _calls;
    public SafetyDecision Apply(StateBuffer state, ReadOnlySpan<float> proposed, ReadOnlySpan<float> candidates, CommandBuffer command)
    {
        _calls++;
        if (vetoEvery > 0 && _calls % vetoEvery == 0)
        {
            command.Action.AsSpan().Clear();
            return command.Safety = SafetyDecision.Vetoed;
        }
        bool clamped = false;
        for (int i = 0; i < proposed.Length; i++)
        {
            float v = Math.Clamp(proposed[i], -limit, limit);
            clamped |= v != proposed[i];
            command.Action[i] = v;
        }
        return command.Safety = clamped ? SafetyDecision.Clamped : SafetyDecision.Ok;
    }

    public int Resets { get; private set; }
    public void Reset(ReadOnlySpan<float> lastSent = default) => Resets++;
    public SafetyCounts Snapshot() => new PassThroughGate().Snapshot();
    public SafetyChecks ActiveChecks => SafetyChecks.ActionLimits;
}

/// <summary>Collects episodes in memory.</summary>
public sealed class ListSink : IEpisodeSink
{
    public List<Robotics.Core.Episodes.Episode> Episodes { get; } = [];
    public void Write(Robotics.Core.Episodes.Episode episode) => Episodes.Add(episode);
}
