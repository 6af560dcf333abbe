using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Planning.Mcts;

namespace Robotics.Runtime.Cli;

/// <summary>The controller options every deploying verb accepts (run, serve-runtime, demo), defined and parsed once.</summary>
public sealed class PlannerCliOptions
{
    private readonly Option<string> _planner = new("--planner") { Description = "cem | mppi | icem | mcts (ensemble MPC / tree search)", DefaultValueFactory = _ => "cem" };
    private readonly Option<int> _horizon;
    private readonly Option<int> _population;
    private readonly Option<int> _iterations;
    private readonly Option<string> _particles = new("--particles") { Description = "average | random-member (TS-1)", DefaultValueFactory = _ => "average" };
    private readonly Option<float> _lambda = new("--uncertainty-lambda") { Description = "planner cost weight on ensemble disagreement D", DefaultValueFactory = _ => 0f };
    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime intra-op threads for the controller", DefaultValueFactory = _ => 2 };
    private readonly Option<string> _provider = new("--provider") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _search = new("--search") { Description = "mcts: simulations per step", DefaultValueFactory = _ => new MctsOptions().Simulations };
    private readonly Option<int> _discreteActions = new("--discrete-actions") { Description = "mcts: values per action dimension, evenly spaced over the box (2 on cartpole = its pushes)", DefaultValueFactory = _ => new MctsOptions().DiscreteActions };
    private readonly Option<int> _sampledActions = new("--sampled-actions") { Description = "mcts: sampled MCTS with K actions drawn per node (0 = the discrete grid)", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _rollouts = new("--rollouts") { Description = "mcts: random rollouts (of --horizon steps) per leaf value", DefaultValueFactory = _ => new MctsOptions().Rollouts };
    private readonly Option<string> _root = new("--mcts-root") { Description = "mcts: gumbel (sequential halving) | puct", DefaultValueFactory = _ => "gumbel" };
    private readonly Option<string?> _reference = new("--reference") { Description = "tracking (an inverse-dynamics --model): the recorded episode (.parquet) whose states to follow" };
    private readonly Option<int> _latentIterations = new("--latent-iterations") { Description = "latent-mpc (TD-MPC2): MPPI iterations per step", DefaultValueFactory = _ => LatentMppiOptions.RealTime.Iterations };
    private readonly Option<int> _latentSamples = new("--latent-samples") { Description = "latent-mpc: MPPI samples per iteration (the prior's included)", DefaultValueFactory = _ => LatentMppiOptions.RealTime.Samples };
    private readonly Option<int> _latentPolicySamples = new("--latent-policy-samples") { Description = "latent-mpc: samples rolled out by the policy prior", DefaultValueFactory = _ => LatentMppiOptions.RealTime.PolicySamples };
    private readonly Option<int> _latentElites = new("--latent-elites") { Description = "latent-mpc: elites refitting the mean", DefaultValueFactory = _ => LatentMppiOptions.RealTime.Elites };
    private readonly Option<float> _discount = new("--discount") { Description = "mcts: discount of the searched returns", DefaultValueFactory = _ => new MctsOptions().Discount };

    public PlannerCliOptions(PlannerBudget? defaults = null)
    {
        var d = defaults ?? new PlannerBudget();
        _horizon = new("--horizon") { Description = "planning horizon in steps", DefaultValueFactory = _ => d.Horizon };
        _population = new("--population") { Description = "candidate sequences per iteration (MPPI samples)", DefaultValueFactory = _ => d.Population };
        _iterations = new("--iterations") { Description = "optimiser iterations per step", DefaultValueFactory = _ => d.Iterations };
    }

    public void AddTo(Command cmd)
    {
        foreach (Option o in new Option[] { _planner, _horizon, _population, _iterations, _particles, _lambda, _threads, _provider,
                                            _search, _discreteActions, _sampledActions, _rollouts, _root, _discount,
                                            _latentIterations, _latentSamples, _latentPolicySamples, _latentElites, _reference }) cmd.Options.Add(o);
    }

    /// <summary>The controller options; bad values are <see cref="UsageException"/>s.</summary>
    public ControllerOptions Read(ParseResult p, int seed)
    {
        try
        {
            return new ControllerOptions
            {
                Planner = ParsePlanner(p.GetValue(_planner)!),
                Budget = new PlannerBudget
                {
                    Horizon = p.GetValue(_horizon), Population = p.GetValue(_population), Iterations = p.GetValue(_iterations),
                    Particles = p.GetValue(_particles)!.ToLowerInvariant() switch
                    {
                        "average" => ParticleMode.Average,
                        "random-member" or "ts1" => ParticleMode.RandomMember,
                        var s => throw new UsageException($"--particles must be average or random-member, got '{s}'"),
                    },
                    Mcts = new MctsOptions
                    {
                        Simulations = p.GetValue(_search), DiscreteActions = p.GetValue(_discreteActions),
                        SampledActions = p.GetValue(_sampledActions), Rollouts = p.GetValue(_rollouts), Discount = p.GetValue(_discount),
                        Root = p.GetValue(_root)!.ToLowerInvariant() switch
                        {
                            "gumbel" => MctsRootSelection.Gumbel,
                            "puct" => MctsRootSelection.Puct,
                            var s => throw new UsageException($"--mcts-root must be gumbel or puct, got '{s}'"),
                        },
                    }.Validate(),   // whatever --planner is, so a bad MCTS setting never waits for the day it is used
                },
                Costs = new CostSettings { UncertaintyLambda = p.GetValue(_lambda) },
                Latent = (LatentMppiOptions.RealTime with
                {
                    Iterations = p.GetValue(_latentIterations), Samples = p.GetValue(_latentSamples),
                    PolicySamples = p.GetValue(_latentPolicySamples), Elites = p.GetValue(_latentElites),
                }).Validate(),
                Threads = p.GetValue(_threads),
                Provider = p.GetValue(_provider)!.ToLowerInvariant() switch
                {
                    "auto" => ProviderPreference.Auto, "cpu" => ProviderPreference.Cpu, "cuda" => ProviderPreference.Cuda,
                    var s => throw new UsageException($"--provider must be auto, cpu or cuda, got '{s}'"),
                },
                Seed = seed,
                Reference = p.GetValue(_reference),
            }.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    public static PlannerKind ParsePlanner(string s) => s.ToLowerInvariant() switch
    {
        "cem" => PlannerKind.Cem,
        "mppi" => PlannerKind.Mppi,
        "icem" => PlannerKind.Icem,
        "mcts" => PlannerKind.Mcts,
        _ => throw new UsageException($"--planner must be cem, mppi, icem or mcts, got '{s}'"),
    };
}
