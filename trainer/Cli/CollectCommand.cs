using System.CommandLine;
using System.Globalization;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Trainer.Collection;
using Robotics.Runtime.Loop;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train collect --env pendulum --episodes N --policy random --seed S --out DIR [--robot-id ID] [--overwrite]</c>:
/// rolls a policy out in simulation and writes one Parquet file per episode under DIR. Bad arguments exit 2
/// before anything is created; a run that fails later removes what it created.
/// </summary>
public static class CollectCommand
{
    public const int MaxEpisodes = 1_000_000; // file names carry six digits and sort in episode order

    public static Command Create(IAnsiConsole? console = null, TimeProvider? time = null)
    {
        var env = new Option<string>("--env") { Description = $"Environment id ({string.Join(", ", EnvironmentRegistry.Ids)}).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = $"Number of episodes, 1 to {MaxEpisodes}.", Required = true };
        var policy = new Option<string>("--policy") { Description = "Behaviour policy: random (uniform in the action space).", DefaultValueFactory = _ => UniformRandomPolicy.PolicyName };
        var seed = new Option<int>("--seed") { Description = "Seed of the environment's first reset and of the policy.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory (created; must not already hold episodes).", Required = true };
        var robotId = new Option<string?>("--robot-id") { Description = "robot_id column value (default: the environment id)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete the episode files already in --out before collecting." };

        var command = new Command("collect", "Collect episodes in simulation with a behaviour policy and write them as Parquet files.");
        foreach (var o in new Option[] { env, episodes, policy, seed, output, robotId, overwrite }) command.Options.Add(o);
        command.SetAction((parse, ct) => RunAsync(
            new CollectOptions(parse.GetValue(env)!, parse.GetValue(episodes), parse.GetValue(policy)!, parse.GetValue(seed),
                parse.GetValue(output)!, parse.GetValue(robotId), parse.GetValue(overwrite)),
            console ?? AnsiConsole.Console, time ?? TimeProvider.System, ct));
        return command;
    }

    private static async Task<int> RunAsync(CollectOptions options, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        options.Validate();
        var output = OutputDirectory.Claim(options.Out, "--out", options.Overwrite);
        var written = new List<string>();
        try
        {
            IEnvironment env = EnvironmentRegistry.Create(options.Env, options.Seed);
            // The policy draws from its own stream so its actions are not the same numbers as the env's resets.
            var policy = new UniformRandomPolicy(env.ActionSpace, new Random(unchecked(options.Seed * 31 + 17)));
            string robotId = options.RobotId ?? env.Id;
            var metadata = new Dictionary<string, string>
            {
                ["robotics.env"] = env.Id,
                ["robotics.policy"] = UniformRandomPolicy.PolicyName,
                ["robotics.seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["robotics.observation_names"] = string.Join(",", env.ObservationSpace.Names),
                ["robotics.action_names"] = string.Join(",", env.ActionSpace.Names),
                ["robotics.control_period_s"] = env.ControlPeriod.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
            };
            using var writer = new EpisodeWriter(output.Path, new EpisodeWriterOptions { Metadata = metadata });
            var collector = new EpisodeCollector(env, policy, writer, robotId, time);

            CollectionResult result;
            void Written(Episode e) => written.Add(Path.Combine(output.Path, EpisodeFiles.FileName(e.Id)));
            if (console.Profile.Capabilities.Interactive)
            {
                result = await console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"collect {Markup.Escape(env.Id)}", maxValue: options.Episodes);
                        return await collector.RunAsync(options.Episodes, options.Seed, e => { Written(e); task.Increment(1); }, ct);
                    });
            }
            else
            {
                // Redirected output (logs, CI): a live bar would only print its first frame.
                result = await collector.RunAsync(options.Episodes, options.Seed, Written, ct);
            }

            // Raw writer: the summary stays one line whatever the terminal width.
            console.Profile.Out.Writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"collected {result.Episodes} episodes ({env.Id}, {UniformRandomPolicy.PolicyName} policy, seed {options.Seed}): " +
                $"{result.Transitions} transitions, return {result.MeanReturn:F2} ± {result.StdReturn:F2} (mean ± std), " +
                $"{result.Files.Count} files in {options.Out}, {result.Elapsed.TotalSeconds:F1} s"));
            return CliApp.ExitOk;
        }
        catch (OperationCanceledException)
        {
            // Completed episodes are whole, valid files: keep them, like a killed run would.
            throw;
        }
        catch
        {
            output.Rollback(written);
            throw;
        }
    }
}

/// <summary>The collect verb's arguments, validated before anything is created.</summary>
public sealed record CollectOptions(string Env, int Episodes, string Policy, int Seed, string Out, string? RobotId, bool Overwrite = false)
{
    public void Validate()
    {
        CliApp.Require(EnvironmentRegistry.Exists(Env),
            $"--env: unknown environment '{Env}' (known: {string.Join(", ", EnvironmentRegistry.Ids)})");
        CliApp.Require(Episodes is >= 1 and <= CollectCommand.MaxEpisodes,
            $"--episodes must be between 1 and {CollectCommand.MaxEpisodes} (got {Episodes})");
        CliApp.Require(Policy == UniformRandomPolicy.PolicyName, $"--policy: unknown policy '{Policy}' (known: {UniformRandomPolicy.PolicyName})");
        CliApp.Require(RobotId is null || !string.IsNullOrWhiteSpace(RobotId), "--robot-id must not be empty");
    }
}
