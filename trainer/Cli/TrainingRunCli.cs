using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Sim.Environments;
using Robotics.Trainer.Collection;
using Robotics.Trainer.Pets;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// What every online trainer command (sac, mbpo, tdmpc2, dreamerv3) shares: the robot, budget, seed, output and
/// evaluation flags with per-algorithm defaults, their one-line validation, and <see cref="Execute{TProgress}"/>:
/// the <c>--out</c> claim (new or empty; removed again when the run fails, so nothing partial is left), a live
/// progress bar when the console is interactive (plain log lines otherwise) and the closing <c>done:</c> line.
/// </summary>
internal sealed class TrainingRunCli(int defaultSteps, int defaultEvalEvery)
{
    public Option<string> Env { get; } = new("--env") { Description = $"simulated robot ({string.Join(", ", EnvironmentRegistry.Ids)})", Required = true };
    public Option<int> Steps { get; } = new("--steps") { Description = "environment steps (seed steps included)", DefaultValueFactory = _ => defaultSteps };
    public Option<int> Seed { get; } = new("--seed") { Description = "seed of everything random", DefaultValueFactory = _ => 0 };
    public Option<string> Out { get; } = new("--out") { Description = "output directory (new or empty)", Required = true };
    public Option<int> EvalEvery { get; } = new("--eval-every") { Description = "env steps between evaluations", DefaultValueFactory = _ => defaultEvalEvery };
    public Option<int> EvalEpisodes { get; } = new("--eval-episodes") { Description = "evaluation episodes", DefaultValueFactory = _ => 5 };
    public Option<int> Threads { get; } = new("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };

    /// <summary>The shared flags, in the order <c>--help</c> lists them (<c>--threads</c> is added last by <see cref="AddThreadsTo"/>).</summary>
    public void AddTo(Command cmd)
    {
        foreach (Option o in new Option[] { Env, Steps, Seed, Out, EvalEvery, EvalEpisodes }) cmd.Options.Add(o);
    }

    public void AddThreadsTo(Command cmd) => cmd.Options.Add(Threads);

    /// <summary>The robot and output directory, checked (one-line usage error on an unknown robot or an empty --out).</summary>
    public (string EnvId, string Dir) ReadTarget(ParseResult p)
    {
        string envId = p.GetValue(Env)!;
        CliApp.Require(EnvironmentRegistry.Exists(envId), $"--env: unknown environment '{envId}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
        string dir = p.GetValue(Out)!;
        CliApp.Require(!string.IsNullOrWhiteSpace(dir), "--out must name a directory");
        return (envId, dir);
    }

    /// <summary>Runs <paramref name="make"/>, turning an options record's validation error into a usage error (exit 2).</summary>
    public static T Validated<T>(Func<T> make)
    {
        try { return make(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>
    /// Claims <paramref name="dir"/>, runs <paramref name="run"/> (with a progress reporter when interactive, else
    /// null) and prints the closing line naming <paramref name="artefacts"/>; removes the directory again on failure.
    /// </summary>
    public static int Execute<TProgress>(string algo, string dir, int steps, IAnsiConsole? console,
                                         Func<TProgress, int> stepOf, Func<TProgress, string> describe,
                                         Func<TextWriter, IProgress<TProgress>?, IReadOnlyList<PetsIterationResult>> run, string artefacts)
    {
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
                        var task = p.AddTask(algo, maxValue: steps);
                        return run(lines, new SyncProgress<TProgress>(r =>
                        {
                            task.Value = stepOf(r);
                            task.Description = Markup.Escape(describe(r));
                        }));
                    });
                ui.Profile.Out.Writer.Write(lines.ToString());
            }
            else results = run(Console.Out, null);
            var last = results[^1];
            Console.WriteLine($"done: {last.EnvSteps} env steps, final eval return {last.EvalReturnMean:F1}; curve in {Path.Combine(dir, "curve.csv")} and curve.png, {artefacts}");
            return CliApp.ExitOk;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Rollback([]);
            throw;
        }
    }
}
