using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Cli;

/// <summary>The controller options every deploying verb accepts (run, serve-runtime, demo), defined and parsed once.</summary>
public sealed class PlannerCliOptions
{
    private readonly Option<string> _planner = new("--planner") { Description = "cem | mppi | icem (ensemble MPC)", DefaultValueFactory = _ => "cem" };
    private readonly Option<int> _horizon;
    private readonly Option<int> _population;
    private readonly Option<int> _iterations;
    private readonly Option<string> _particles = new("--particles") { Description = "average | random-member (TS-1)", DefaultValueFactory = _ => "average" };
    private readonly Option<float> _lambda = new("--uncertainty-lambda") { Description = "planner cost weight on ensemble disagreement D", DefaultValueFactory = _ => 0f };
    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime intra-op threads for the controller", DefaultValueFactory = _ => 2 };
    private readonly Option<string> _provider = new("--provider") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };

    public PlannerCliOptions(PlannerBudget? defaults = null)
    {
        var d = defaults ?? new PlannerBudget();
        _horizon = new("--horizon") { Description = "planning horizon in steps", DefaultValueFactory = _ => d.Horizon };
        _population = new("--population") { Description = "candidate sequences per iteration (MPPI samples)", DefaultValueFactory = _ => d.Population };
        _iterations = new("--iterations") { Description = "optimiser iterations per step", DefaultValueFactory = _ => d.Iterations };
    }

    public void AddTo(Command cmd)
    {
        foreach (Option o in new Option[] { _planner, _horizon, _population, _iterations, _particles, _lambda, _threads, _provider }) cmd.Options.Add(o);
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
                },
                Costs = new CostSettings { UncertaintyLambda = p.GetValue(_lambda) },
                Threads = p.GetValue(_threads),
                Provider = p.GetValue(_provider)!.ToLowerInvariant() switch
                {
                    "auto" => ProviderPreference.Auto, "cpu" => ProviderPreference.Cpu, "cuda" => ProviderPreference.Cuda,
                    var s => throw new UsageException($"--provider must be auto, cpu or cuda, got '{s}'"),
                },
                Seed = seed,
            }.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    public static PlannerKind ParsePlanner(string s) => s.ToLowerInvariant() switch
    {
        "cem" => PlannerKind.Cem,
        "mppi" => PlannerKind.Mppi,
        "icem" => PlannerKind.Icem,
        _ => throw new UsageException($"--planner must be cem, mppi or icem, got '{s}'"),
    };
}
