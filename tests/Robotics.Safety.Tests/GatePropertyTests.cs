using CsCheck;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;

namespace Robotics.Safety.Tests;

/// <summary>
/// Property: over random limits, states (sane, NaN, out of space, stale), actions (in and far out of
/// bounds, NaN, Inf), candidates, e-stop engagements and releases, every command the driver receives is
/// finite and inside the gate's box, and is either the safe action (fallback/e-stop) or within the rate
/// limit of the command before it. "ok" commands are exactly the proposal.
/// </summary>
public class GatePropertyTests
{
    public sealed record Limits(float SpaceLow, float SpaceHigh, float GateLow, float GateHigh, float MaxDelta);
    public sealed record Step(int ObsKind, float ThetaDot, float[] Proposed, float[] Candidates, int AdvanceMs, bool Fresh, int EStopEvent);
    public sealed record Scenario(Limits[] Limits, float P99, Step[] Steps)
    {
        public override string ToString() =>
            $"limits [{string.Join("; ", Limits.Select(l => $"{l.GateLow}..{l.GateHigh} d{l.MaxDelta}"))}] p99 {P99}, {Steps.Length} steps";
    }

    private static readonly Gen<float> Value = Gen.Frequency(
        (30, (IGen<float>)Gen.Float[-10f, 10f]),
        (1, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity)));

    private static readonly Gen<Limits> LimitGen =
        from lo in Gen.Float[-5f, -0.5f]
        from hi in Gen.Float[0.5f, 5f]
        from gl in Gen.Float[0f, 1f]
        from gh in Gen.Float[0f, 1f]
        from d in Gen.Frequency((5, (IGen<float>)Gen.Float[0.01f, 3f]), (1, Gen.Const(float.PositiveInfinity)))
        select new Limits(lo, hi, lo * gl, hi * gh, d);

    private static Gen<Step> StepGen(int actDim) =>
        from kind in Gen.Frequency((12, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)))
        from thdot in Gen.Float[-8f, 8f]
        from proposed in Value.Array[actDim]
        from k in Gen.Int[0, 3]
        from candidates in Value.Array[k * actDim]
        from advance in Gen.Int[0, 80]
        from fresh in Gen.Frequency((6, Gen.Const(true)), (1, Gen.Const(false)))
        from estop in Gen.Frequency((20, Gen.Const(0)), (1, Gen.Const(1)), (2, Gen.Const(2)))
        select new Step(kind, thdot, proposed, candidates, advance, fresh, estop);

    private static readonly Gen<Scenario> ScenarioGen =
        from actDim in Gen.Int[1, 3]
        from limits in LimitGen.Array[actDim]
        from p99 in Gen.Float[0.2f, 2f]
        from steps in StepGen(actDim).Array[20, 60]
        select new Scenario(limits, p99, steps);

    [Fact]
    public void EveryCommandReachingDriver_IsFiniteInsideBoundsAndWithinRateLimit()
    {
        ScenarioGen.Sample(Run, iter: 300, threads: 1);
    }

    private static void Run(Scenario s)
    {
        int actDim = s.Limits.Length;
        var spec = new RobotSpec("prop", "prop",
            new BoxSpace([-1f, -1f, -8f], [1f, 1f, 8f], ["cos", "sin", "thdot"]),
            new BoxSpace(s.Limits.Select(l => l.SpaceLow).ToArray(), s.Limits.Select(l => l.SpaceHigh).ToArray(),
                         Enumerable.Range(0, actDim).Select(i => $"u{i}").ToArray()),
            TimeSpan.FromMilliseconds(20), new float[actDim]);
        // Disagreement varies with the action so vetoes and candidate picks both happen; NaN actions give NaN.
        var model = new FakeEnsembleModel(3, actDim, s.P99, static (o, a, next) =>
        {
            o.CopyTo(next);
            next[2] = o[2] + a[0];
            return 2f * MathF.Abs(MathF.Sin(7f * a[0])) + 0.1f * MathF.Abs(o[2]);
        });
        var options = new SafetyGateOptions
        {
            Staleness = new StalenessOptions(TimeSpan.FromMilliseconds(60)),
            ActionLimits = new ActionLimitsOptions(s.Limits.Select(l => l.GateLow).ToArray(), s.Limits.Select(l => l.GateHigh).ToArray()),
            RateLimit = new RateLimitOptions(s.Limits.Select(l => l.MaxDelta).ToArray()),
            StateLimits = new StateLimitsOptions([-1f, -1f, -7f], [1f, 1f, 7f]),
        };
        var h = new GateHarness(options, model, spec);
        var previous = new float[actDim];

        foreach (var step in s.Steps)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(step.AdvanceMs));
            if (step.EStopEvent == 1) h.EStop.Engage("property");
            if (step.EStopEvent == 2) { h.EStop.RequestRelease(h.Time.GetTimestamp()); h.EStop.ReArm(h.Time.GetTimestamp()); }
            bool stoppedBefore = h.EStop.IsEngaged;
            float[] obs = step.ObsKind switch
            {
                1 => [1f, 0f, float.NaN],
                2 => [1f, 0f, 9f],
                _ => [1f, 0f, step.ThetaDot],
            };
            var sent = h.Tick(obs, step.Proposed, step.Candidates, step.Fresh);
            bool isSafe = sent.Action.All(v => v == 0f);

            for (int i = 0; i < actDim; i++)
            {
                float v = sent.Action[i];
                Assert.True(float.IsFinite(v), $"non-finite command {v}");
                Assert.InRange(v, s.Limits[i].GateLow, s.Limits[i].GateHigh);
                if (sent.Safety is not (SafetyDecision.Fallback or SafetyDecision.EStop))
                    Assert.True(MathF.Abs(v - previous[i]) <= s.Limits[i].MaxDelta,
                                $"dim {i}: {previous[i]} -> {v} exceeds rate {s.Limits[i].MaxDelta} ({sent.Safety})");
            }
            if (sent.Safety is SafetyDecision.Fallback or SafetyDecision.EStop) Assert.True(isSafe);
            if (sent.Safety == SafetyDecision.Ok) Assert.Equal(step.Proposed, sent.Action);
            // Engaged before this tick and still engaged after it: only the safe action went out.
            if (stoppedBefore && h.EStop.IsEngaged) Assert.True(isSafe, "command sent while e-stop engaged");
            sent.Action.CopyTo(previous, 0);
        }
        Assert.Equal(h.Driver.Received.Count(c => c.Safety != SafetyDecision.Ok), h.Gate.Snapshot().NotOk);
    }
}
