namespace Robotics.Runtime.Planning.Costs;

/// <summary>
/// One term of a planner's cost (Nav2 MPPI's "critic"): adds its share for every particle into a shared
/// cost array, once per horizon step.
/// </summary>
public interface ICostTerm
{
    /// <summary>Hot path, allocation-free. Adds this term's cost of step <c>x.Step</c> into <paramref name="cost"/> [Count].</summary>
    void Add(in CostInputs x, Span<float> cost);
}
