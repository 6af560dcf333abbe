namespace Robotics.Runtime.Planning;

/// <summary>The planners <c>robotics run --planner</c> offers.</summary>
public enum PlannerKind { Cem, Mppi, Icem, Mcts }
