using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Trainer.Collection;
using Robotics.Sim.Environments;
using Robotics.Trainer.OffPolicy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Sac;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// What <c>robotics-train sac</c> and <c>mbpo</c> share: the common flags, the <c>--out</c> claim (new or empty;
/// removed again when the run fails, so nothing partial is left), and the progress display (steps, last
/// evaluation and training return, losses, steps per second).
/// </summary>
internal sealed class OffPolicyCli
{
    public Option<string> Env { get; } = new("--env") { Description = $"simulated robot ({string.Join(", ", EnvironmentRegistry.Ids)})", Required = true };
    public Option<int> Steps { get; } = new("--steps") { Description = "environment steps (seed steps included)", DefaultValueFactory = _ => 5_000 };
    public Option<int> Seed { get; } = new("--seed") { Description = "seed of everything random", DefaultValueFactory = _ => 0 };
    public Option<string> Out { get; } = new("--out") { Description = "output directory (new or empty)", Required = true };
    public Option<int> EvalEvery { get; } = new("--eval-every") { Description = "env steps between evaluations", DefaultValueFactory = _ => 250 };
    public Option<int> EvalEpisodes { get; } = new("--eval-episodes") { Description = "evaluation episodes (deterministic policy)", DefaultValueFactory = _ => 5 };
    public Option<int?> SeedSteps { get; } = new("--seed-steps") { Description = "random-action steps before the first update" };
    public Option<int?> Updates { get; } = new("--updates") { Description = "SAC updates per env step" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "hidden width of the actor and critics", DefaultValueFactory = _ => 256 };
    public Option<int> Batch { get; } = new("--batch") { Description = "SAC minibatch", DefaultValueFactory = _ => 256 };
    public Option<int> Threads { get; } = new("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };

    public void AddTo(Command cmd)
    {
        foreach (Option o in new Option[] { Env, Steps, Seed, Out, EvalEvery, EvalEpisodes, SeedSteps, Updates, Hidden, Batch, Threads }) cmd.Options.Add(o);
    }

    /// <summary>The common options, validated (one-line usage error on a bad value).</summary>
    public OffPolicyRunOptions Read(ParseResult p, string algo, int defaultSeedSteps, int defaultUpdates)
    {
        string envId = p.GetValue(Env)!;
        CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
        string dir = p.GetValue(Out)!;
        CliApp.Require(!string.IsNullOrWhiteSpace(dir), "--out must name a directory");
        return Validated(() => new OffPolicyRunOptions
        {
            EnvId = envId, OutDir = dir, Steps = p.GetValue(Steps), Seed = p.GetValue(Seed), EvalEvery = p.GetValue(EvalEvery),
            EvalEpisodes = p.GetValue(EvalEpisodes), SeedSteps = p.GetValue(SeedSteps) ?? defaultSeedSteps,
            UpdatesPerStep = p.GetValue(Updates) ?? defaultUpdates, Threads = p.GetValue(Threads),
            Sac = new SacOptions { Hidden = p.GetValue(Hidden), BatchSize = p.GetValue(Batch) },
        }.Validate(algo));
    }

    public static T Validated<T>(Func<T> make)
    {
        try { return make(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>Claims --out, runs <paramref name="run"/> with a live display when interactive, removes --out again on failure.</summary>
    public static int Execute(string algo, OffPolicyRunOptions o, IAnsiConsole? console,
                              Func<TextWriter, IProgress<OffPolicyProgress>?, IReadOnlyList<PetsIterationResult>> run)
    {
        string dir = o.OutDir;
        var output = OutputDirectory.ClaimEmpty(dir, "--out");

        IAnsiConsole ui = console ?? AnsiConsole.Console;
        try
        {
            IReadOnlyList<PetsIterationResult> results;
            if (ui.Profile.Capabilities.Interactive)
            {
                var lines = new StringWriter();
                results = ui.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(p =>
                    {
                        var task = p.AddTask(algo, maxValue: o.Steps);
                        return run(lines, new SyncProgress<OffPolicyProgress>(r =>
                        {
                            task.Value = r.Step;
                            task.Description = Markup.Escape(Describe(algo, o.EnvId, r));
                        }));
                    });
                ui.Profile.Out.Writer.Write(lines.ToString());
            }
            else results = run(Console.Out, null);
            var last = results[^1];
            Console.WriteLine($"done: {last.EnvSteps} env steps, final eval return {last.EvalReturnMean:F1}; curve in {Path.Combine(dir, "curve.csv")} and curve.png, policy in {Path.Combine(dir, "model", "policy.onnx")}");
            return CliApp.ExitOk;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Rollback([]);
            throw;
        }
    }

    private static string Describe(string algo, string env, OffPolicyProgress r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{algo} {env} {r.Phase} step {r.Step}{(r.LastEvalReturn is double v ? $", eval {v:F1}" : "")}, train {r.LastEpisodeReturn:F1}, Q {r.Losses.Critic:G3} pi {r.Losses.Actor:G3} alpha {r.Losses.Alpha:G2}, {r.StepsPerSecond:F1} steps/s");
}
