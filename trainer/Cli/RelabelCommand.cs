using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Trainer.Collection;
using Robotics.Trainer.Data;

namespace Robotics.Trainer.Cli;

/// <summary>
/// `robotics-train relabel --data DIR --out DIR2 [--env reacher2d] [--copies 4] [--seed 0]`: writes DIR's episodes and, for a robot whose
/// observation carries a goal its dynamics ignore (reacher2d's target), each again under --copies goals drawn from the
/// robot's goal distribution (<see cref="GoalRelabelling"/>); train on DIR2 (`train --data DIR2`).
/// </summary>
public static class RelabelCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder of recorded episodes (*.parquet) of a goal-carrying robot (reacher2d, mj-reacher-easy, mj-reacher-hard).", Required = true };
        var output = new Option<string>("--out") { Description = "New or empty folder for the originals and their relabelled copies.", Required = true };
        var copies = new Option<int>("--copies") { Description = "Relabelled copies of each episode, each under its own goal.", DefaultValueFactory = _ => 4 };
        var env = new Option<string?>("--env") { Description = "Environment id; default: the one recorded in the files." };
        var seed = new Option<int>("--seed") { Description = "Seed of the goal draws.", DefaultValueFactory = _ => 0 };
        var command = new Command("relabel", "Write recorded episodes again under other goals (the reacher's target), so a world model sees goals the robot never had.");
        foreach (Option o in new Option[] { data, output, env, copies, seed }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int k = parse.GetValue(copies);
            CliApp.Require(k is >= 1 and <= 100, $"--copies must be in [1, 100], got {k}");
            TrainingData training;
            try { training = TrainingData.Load(parse.GetValue(data)!, parse.GetValue(env)); }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException) { throw new UsageException($"--data: {e.Message}"); }
            if (training.Environment is not IGoalRelabelling robot)
                throw new UsageException($"--data: '{training.Environment.Id}' carries no goal to relabel (robots that do: reacher2d, mj-reacher-easy, mj-reacher-hard; not with randomised physics)");
            // TrainingData read and checked every file; its transitions come in episode order.
            var episodes = training.Transitions.GroupBy(t => t.Episode).Select(g => new Episode(g.Key, g.ToList())).ToList();
            string first = Directory.EnumerateFiles(parse.GetValue(data)!, "*.parquet").Order(StringComparer.Ordinal).First();
            var metadata = new Dictionary<string, string>(EpisodeReader.ReadMetadata(first)) { [TrainingData.EnvKey] = training.Environment.Id };
            var outDir = OutputDirectory.ClaimEmpty(parse.GetValue(output), "--out");
            int n = 0;
            var writer = new EpisodeWriter(outDir.Path, new EpisodeWriterOptions { Metadata = metadata, Durable = false });
            try
            {
                foreach (var e in GoalRelabelling.Relabel(episodes, robot, k, parse.GetValue(seed)))
                {
                    writer.WriteEpisode(e);
                    n++;
                }
                writer.Dispose();
            }
            catch (Exception e)
            {
                writer.Dispose();
                outDir.Rollback(writer.WrittenFiles);   // nothing partial left: the folder we made, or the files we wrote
                if (e is InvalidOperationException) throw new UsageException($"--data: {e.Message}");   // the robot refused (randomised physics)
                throw;
            }
            Console.WriteLine($"wrote {n} episodes ({episodes.Count} recorded + {k} x {episodes.Count} relabelled) of '{training.Environment.Id}' to {outDir.Path}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
