using System.CommandLine;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Sac;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// What <c>robotics-train sac</c> and <c>mbpo</c> share beyond <see cref="TrainingRunCli"/>: the SAC flags and the
/// progress line (steps, last evaluation and training return, losses, steps per second).
/// </summary>
internal sealed class OffPolicyCli
{
    private readonly TrainingRunCli run = new(defaultSteps: 5_000, defaultEvalEvery: 250);
    public Option<int?> SeedSteps { get; } = new("--seed-steps") { Description = "random-action steps before the first update" };
    public Option<int?> Updates { get; } = new("--updates") { Description = "SAC updates per env step" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "hidden width of the actor and critics", DefaultValueFactory = _ => 256 };
    public Option<int> Batch { get; } = new("--batch") { Description = "SAC minibatch", DefaultValueFactory = _ => 256 };

    public void AddTo(Command cmd)
    {
        run.AddTo(cmd);
        foreach (Option o in new Option[] { SeedSteps, Updates, Hidden, Batch }) cmd.Options.Add(o);
        run.AddThreadsTo(cmd);
    }

    /// <summary>The common options, validated (one-line usage error on a bad value).</summary>
    public OffPolicyRunOptions Read(ParseResult p, string algo, int defaultSeedSteps, int defaultUpdates)
    {
        var (envId, dir) = run.ReadTarget(p);
        return Validated(() => new OffPolicyRunOptions
        {
            EnvId = envId, OutDir = dir, Steps = p.GetValue(run.Steps), Seed = p.GetValue(run.Seed), EvalEvery = p.GetValue(run.EvalEvery),
            EvalEpisodes = p.GetValue(run.EvalEpisodes), SeedSteps = p.GetValue(SeedSteps) ?? defaultSeedSteps,
            UpdatesPerStep = p.GetValue(Updates) ?? defaultUpdates, Threads = p.GetValue(run.Threads),
            Sac = new SacOptions { Hidden = p.GetValue(Hidden), BatchSize = p.GetValue(Batch) },
        }.Validate(algo));
    }

    public static T Validated<T>(Func<T> make) => TrainingRunCli.Validated(make);

    /// <summary>Claims --out, runs <paramref name="run"/> with a live display when interactive, removes --out again on failure.</summary>
    public static int Execute(string algo, OffPolicyRunOptions o, IAnsiConsole? console,
                              Func<TextWriter, IProgress<OffPolicyProgress>?, IReadOnlyList<PetsIterationResult>> run) =>
        TrainingRunCli.Execute(algo, o.OutDir, o.Steps, console, (OffPolicyProgress r) => r.Step, r => Describe(algo, o.EnvId, r), run,
                               $"policy in {Path.Combine(o.OutDir, "model", "policy.onnx")}");

    private static string Describe(string algo, string env, OffPolicyProgress r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{algo} {env} {r.Phase} step {r.Step}{(r.LastEvalReturn is double v ? $", eval {v:F1}" : "")}, train {r.LastEpisodeReturn:F1}, Q {r.Losses.Critic:G3} pi {r.Losses.Actor:G3} alpha {r.Losses.Alpha:G2}, {r.StepsPerSecond:F1} steps/s");
}
