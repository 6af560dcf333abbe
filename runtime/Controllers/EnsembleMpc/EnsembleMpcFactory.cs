using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Mcts;

namespace Robotics.Runtime.Controllers.EnsembleMpc;

/// <summary>
/// Kind <c>ensemble-dynamics</c> (PETS): MPC over the card's step graph with the task's analytic cost when
/// the task library knows it, else the learned reward; the same step graph, in a second batch session, is
/// the gate's safety predictor (uncertainty = ensemble disagreement D, calibrated in the card).
/// </summary>
public sealed class EnsembleMpcFactory : IControllerFactory
{
    public string Kind => ModelKinds.EnsembleDynamics;

    public string Describe(ModelCard card) =>
        $"ensemble MPC (cem | mppi | icem | mcts over {card.Ensemble?.Elites} of {card.Ensemble?.Size} members, graph '{GraphRoles.Step}'); " +
        $"safety predictor: the same ensemble ({card.Uncertainty?.Method ?? "uncalibrated"}, p99 {card.Uncertainty?.P99:G4})";

    public IController Create(ControllerContext c)
    {
        ControllerOptions o = c.Options.Validate();
        PlannerOptions plannerOptions = o.Budget.OptionsFor(o.Planner);
        var modelOptions = new WorldModelOptions { MaxBatch = plannerOptions.MaxBatch, IntraOpThreads = o.Threads, Provider = o.Provider };
        string step = c.Model.GraphPath(GraphRoles.Step);
        var model = OnnxWorldModel.Load(step, c.Robot, modelOptions, c.Logger);
        OnnxRolloutModel? rollout = null;
        try
        {
            IAnalyticCost? analytic = c.Task?.Cost;
            var costs = o.Costs.Build(analytic, model.ObsDim, model.ActDim);
            var planner = PlannerFactory.Create(plannerOptions, model, c.Robot.ActionSpace, costs, new Random(o.Seed), c.Task);
            if (o.FusedRollout && plannerOptions.Particles == ParticleMode.Average && planner is MpcPlanner mpc)
            {
                rollout = RolloutModelFactory.TryCreate(step, model.Card, plannerOptions.Horizon, o.Costs, analytic, modelOptions, c.Logger);
                if (rollout is not null) mpc.UseFusedRollout(rollout);
            }
            else if (o.FusedRollout && planner is MctsPlanner mcts && plannerOptions is MctsOptions { Rollouts: > 0 } mo)
            {
                // MCTS scores only its M leaf rollouts per call: the fused graph is bound for that batch, discounted and
                // stopping at the task's terminal states as the step-by-step leaves do.
                rollout = MctsFusedLeaves.TryCreate(step, model.Card, mo, o.Costs, analytic, c.Task, modelOptions, c.Logger);
                if (rollout is not null) mcts.UseFusedRollout(rollout);
            }
            return new EnsembleMpcController(model, planner, rollout);
        }
        catch
        {
            rollout?.Dispose();
            model.Dispose();
            throw;
        }
    }

    public bool CanPredictSafety(ModelCard card) => card.Uncertainty is not null;

    public ISafetyPredictor? CreateSafetyPredictor(SafetyPredictorRequest r) =>
        OnnxWorldModel.Load(r.Model.GraphPath(GraphRoles.Step), r.Robot,
            new WorldModelOptions { MaxBatch = r.MaxBatch, IntraOpThreads = 1, Provider = r.Options.Provider }, r.Logger);
}
