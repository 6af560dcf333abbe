using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Robots;
using Robotics.Safety.Audit;
using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;

namespace Robotics.Safety.Tests;

public class AllocationTests
{
    [Theory]
    [InlineData(true, SafetyAuditMode.Inline)]
    [InlineData(false, SafetyAuditMode.Inline)]
    [InlineData(true, SafetyAuditMode.Queued)]
    [InlineData(true, SafetyAuditMode.Inline, VetoCandidateOrder.PlannerOrder)]
    public void Apply_AllocatesNothing_AfterWarmUp_AcrossEveryDecision(bool loggerEnabled, SafetyAuditMode audit,
                                                                        VetoCandidateOrder order = VetoCandidateOrder.LowestUncertainty)
    {
        var counting = new CountingLogger();
        ILogger logger = loggerEnabled ? counting : NullLogger.Instance;
        var time = new FakeTimeProvider();
        var estop = new EStopLatch();
        // D = |action|, next theta_dot = theta_dot + action: exercises every model check.
        var model = new FakeEnsembleModel(3, 1, 1.0, static (o, a, next) => { o.CopyTo(next); next[2] = o[2] + a[0]; return MathF.Abs(a[0]); });
        var gate = SafetyGate.Create(GateHarness.PendulumSpec(), model, new SafetyGateOptions
        {
            RateLimit = new RateLimitOptions([0.8f]),
            StateLimits = new StateLimitsOptions([-1f, -1f, -6f], [1f, 1f, 6f]),
            Audit = new SafetyAuditOptions(audit, QueueCapacity: 256),
            Fallback = new VetoFallbackOptions(HoldTicks: 1, CandidateOrder: order),
        }, estop, time, logger);
        var state = new StateBuffer(3);
        var command = new CommandBuffer(1);
        float[] proposals = [0.3f, 1.9f, 5f, -1.5f, float.NaN, 0.9f, 1.2f];
        float[] candidates = [1.5f, 0.4f, -0.2f, 0.7f];
        float[] vetoedAlone = [1.9f];
        var decisions = new int[5];

        void Run(int ticks)
        {
            for (int i = 0; i < ticks; i++)
            {
                int phase = i % 10;
                time.Advance(TimeSpan.FromMilliseconds(10));
                state.Seq++;
                state.Obs[0] = 1f; state.Obs[1] = 0f;
                state.Obs[2] = phase == 3 ? float.NaN : phase == 4 ? 5.8f : 0.5f;
                if (phase != 5) state.ReceivedTimestamp = time.GetTimestamp();
                else time.Advance(TimeSpan.FromMilliseconds(500)); // stale
                if (phase == 6) estop.Engage("alloc test");
                if (phase == 7) { estop.RequestRelease(time.GetTimestamp() - 1); estop.ReArm(time.GetTimestamp() - 1); }
                // Phases 8, 9: a vetoed proposal without candidates: a hold, then (hold ticks used up) the safe action.
                bool alone = phase is 8 or 9;
                var proposal = alone ? vetoedAlone : proposals.AsSpan(i % proposals.Length, 1);
                decisions[(int)gate.Apply(state, proposal, alone ? [] : candidates, command)]++;
            }
        }

        Run(200); // warm-up: JIT, generic virtual dispatch caches
        Array.Clear(decisions);
        Action window = () => Run(1000);
        long allocated = SteadyStateAllocation.Bytes(window);

        Assert.Equal(0, allocated);
        var counts = gate.Snapshot();
        Assert.True(counts[VetoChoice.Candidate] > 0 && counts[VetoChoice.Hold] > 0 && counts[VetoChoice.SafeAction] > 0
                    && counts.HysteresisVetoes > 0, counts.ToString());
        // Every decision was exercised in the measured window.
        Assert.All(decisions, n => Assert.True(n > 0, $"decisions {string.Join(",", decisions)}"));
        // Queued: the ring (256) holds what the drain writes; the rest was counted as dropped, not blocked on.
        gate.DrainAudit();
        if (loggerEnabled) Assert.True(counting.Count >= (audit == SafetyAuditMode.Queued ? 256 : 500), $"logged {counting.Count}");
    }
}
