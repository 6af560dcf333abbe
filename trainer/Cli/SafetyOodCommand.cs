using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Safety;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train safety-ood`: measures the safety gate's out-of-distribution veto (issue 6): trains on
/// pendulum data with |theta_dot| &lt; 2, exports, loads through the runtime, and prints the veto rates
/// of random actions at |theta_dot| &gt; 6 and |theta_dot| &lt; 2 per threshold factor. Exit code 0 when
/// some factor meets ">= 95% out of distribution and &lt; 2% in distribution", else 1.
/// </summary>
public static class SafetyOodCommand
{
    public static Command Create()
    {
        var d = new SafetyOodOptions();
        var transitions = new Option<int>("--transitions") { Description = "Training transitions (|thdot| < 2).", DefaultValueFactory = _ => d.TrainTransitions };
        var states = new Option<int>("--states") { Description = "Probe states per region.", DefaultValueFactory = _ => d.ProbeStates };
        var actions = new Option<int>("--actions-per-state") { Description = "Random actions per probe state.", DefaultValueFactory = _ => d.ActionsPerState };
        var factors = new Option<string>("--factors") { Description = "Threshold factors x card p99, comma-separated.", DefaultValueFactory = _ => "1,1.5,2" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => d.Ensemble.Epochs };
        var members = new Option<int>("--members") { Description = "Ensemble members.", DefaultValueFactory = _ => d.Ensemble.Members };
        var elites = new Option<int>("--elites") { Description = "Elite members kept.", DefaultValueFactory = _ => d.Ensemble.Elites };
        var hidden = new Option<int>("--hidden") { Description = "Units per hidden layer.", DefaultValueFactory = _ => d.Ensemble.HiddenUnits };
        var layers = new Option<int>("--layers") { Description = "Hidden layers.", DefaultValueFactory = _ => d.Ensemble.HiddenLayers };
        var seed = new Option<int>("--seed") { Description = "Seed for data, training and probes.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Torch threads.", DefaultValueFactory = _ => d.Ensemble.Threads };
        var compare = new Option<string?>("--compare-measures")
        {
            Description = "Instead: compare uncertainty measures on these robots (comma-separated, 'all' = pendulum, cartpole-swingup, reacher2d); " +
                          "--transitions, --states (probe transitions per set) and --seeds apply.",
        };
        var oodFrom = new Option<double>("--ood-from") { Description = "For --compare-measures: OOD velocities start at this fraction of the bound (band 0.25 wide).", DefaultValueFactory = _ => 0.75 };
        var seeds = new Option<string>("--seeds") { Description = "Seeds for --compare-measures, comma-separated.", DefaultValueFactory = _ => "0" };
        var output = new Option<string>("--out") { Description = "Where to write the model (.onnx).", DefaultValueFactory = _ => "runs/safety-ood/model.onnx" };

        var command = new Command("safety-ood", "Measure the safety gate's veto rate out of and in the training distribution (pendulum).");
        foreach (Option o in new Option[] { transitions, states, actions, factors, epochs, members, elites, hidden, layers, seed, threads, output, compare, seeds, oodFrom })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            string outPath = parse.GetValue(output)!;
            CliApp.Require(outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase), $"--out '{outPath}' must end in .onnx");
            SafetyOodOptions options;
            try
            {
                options = new SafetyOodOptions
                {
                    TrainTransitions = parse.GetValue(transitions),
                    ProbeStates = parse.GetValue(states),
                    ActionsPerState = parse.GetValue(actions),
                    ThresholdFactors = ParseFactors(parse.GetValue(factors)!),
                    Seed = parse.GetValue(seed),
                    Ensemble = new EnsembleOptions
                    {
                        Epochs = parse.GetValue(epochs), Members = parse.GetValue(members), Elites = parse.GetValue(elites),
                        HiddenUnits = parse.GetValue(hidden), HiddenLayers = parse.GetValue(layers), Threads = parse.GetValue(threads),
                    },
                }.Validate();
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            string? robots = parse.GetValue(compare);
            if (robots is not null)
                return CompareMeasures(robots, ParseFactors(parse.GetValue(seeds)!).Select(v => (int)v).ToArray(), options, parse.GetValue(oodFrom));
            return Run(options, outPath);
        });
        return command;
    }

    private static int Run(SafetyOodOptions options, string outPath)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]training {options.Ensemble.Members} x {options.Ensemble.HiddenLayers}x{options.Ensemble.HiddenUnits} on {options.TrainTransitions} pendulum transitions with |thdot| < {options.TrainMaxAbsThetaDot}[/]");
        var result = SafetyOodMeasurement.Run(options, outPath, new SyncProgress<EpochReport>(r =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {r.Epoch}/{r.MaxEpochs}  train NLL {r.TrainNll:F4}  validation MSE {r.ValidationMse:G4}"))));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {result.ModelPath}: validation MSE {result.ValidationMse:G4}, disagreement p99 {result.Card.Uncertainty?.P99:G4}, max {result.Card.Uncertainty?.Max:G4}"));
        var table = new Table().AddColumns("factor", "threshold D", $"vetoed |thdot| > {options.OodMinAbsThetaDot}", $"vetoed |thdot| < {options.TrainMaxAbsThetaDot}", "criterion");
        foreach (var row in result.Rows)
            table.AddRow(row.Factor.ToString("G4", CultureInfo.InvariantCulture), row.Threshold.ToString("G4", CultureInfo.InvariantCulture),
                         Rate(row.OutOfDistribution), Rate(row.InDistribution), row.MeetsCriterion ? "[green]met[/]" : "[red]not met[/]");
        AnsiConsole.Write(table);
        return result.Rows.Any(r => r.MeetsCriterion) ? CliApp.ExitOk : CliApp.ExitFailure;
    }

    private static int CompareMeasures(string robots, int[] seeds, SafetyOodOptions options, double oodFrom)
    {
        string[] ids = robots == "all" ? ["pendulum", "cartpole-swingup", "reacher2d"] : robots.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string id in ids)
            CliApp.Require(Robotics.Sim.Environments.EnvironmentRegistry.Exists(id), $"--compare-measures: unknown robot '{id}'");
        var rows = new List<MeasureRow>();
        Console.WriteLine("robot,seed,measure,threshold,false_veto_rate,ood_veto_rate");
        foreach (string id in ids)
            foreach (int s in seeds)
                foreach (var r in DisagreementMeasureStudy.Run(id, s, options.TrainTransitions, options.ProbeStates, options.Ensemble, oodFrom: oodFrom))
                {
                    rows.Add(r);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Robot},{r.Seed},{r.Measure},{r.Threshold:G4},{r.FalseVetoRate:F4},{r.OodVetoRate:F4}"));
                }
        Console.WriteLine("mean over seeds:");
        foreach (var g in rows.GroupBy(r => (r.Robot, r.Measure)))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g.Key.Robot,-17} {g.Key.Measure,-22} false veto {g.Average(r => r.FalseVetoRate):P2}  OOD vetoed {g.Average(r => r.OodVetoRate):P2}"));
        return CliApp.ExitOk;
    }

    private static string Rate(Robotics.Safety.Diagnostics.VetoRate r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Rate:P2} ({r.Vetoed}/{r.Samples})");

    private static double[] ParseFactors(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"--factors: '{parts[i]}' is not a number");
        return values;
    }
}
