using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.EnsembleMpc;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// A test-registered controller kind: the controller <paramref name="inner"/> builds for the same card kind, whose
/// <c>Act</c> throws on the episode's ticks that <paramref name="fails"/> picks (0-based; the planner failing mid-episode).
/// Registered alone (<see cref="Registry"/>), it replaces the kind's built-in factory for one run.
/// </summary>
internal sealed class FaultInjectingFactory(IControllerFactory inner, Func<int, bool> fails) : IControllerFactory
{
    public string Kind => inner.Kind;
    public string Describe(ModelCard card) => inner.Describe(card) + " (faults injected)";
    public IController Create(ControllerContext context) => new Faulty(inner.Create(context), fails);
    public ISafetyPredictor? CreateSafetyPredictor(SafetyPredictorRequest request) => inner.CreateSafetyPredictor(request);
    public bool CanPredictSafety(ModelCard card) => inner.CanPredictSafety(card);

    /// <summary>A registry with only the ensemble MPC kind, faults injected.</summary>
    public static ControllerRegistry Registry(Func<int, bool> fails) => new ControllerRegistry().Add(new FaultInjectingFactory(new EnsembleMpcFactory(), fails));

    private sealed class Faulty(IController inner, Func<int, bool> fails) : IController
    {
        private int _tick;
        public int ActDim => inner.ActDim;
        public void Reset() => inner.Reset();   // ticks count over the run, not per episode
        public void Act(ReadOnlySpan<float> obs, Span<float> action)
        {
            if (fails(_tick++)) throw new InvalidOperationException($"injected planner fault at tick {_tick - 1}");
            inner.Act(obs, action);
        }
        public ReadOnlySpan<float> Candidates => inner.Candidates;
        public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) => inner.Observe(sent, decision);
        public void Dispose() => inner.Dispose();
    }
}
