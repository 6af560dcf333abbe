using System.Diagnostics;
using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Trainer.Tests.Collection;

/// <summary>A real <c>robotics-train collect</c> process killed mid-run leaves only whole, readable episode files.</summary>
public sealed class CollectCrashSafetyTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task KilledCollect_LeavesEveryParquetFileCompleteAndReadable()
    {
        string dir = _tmp.Combine("killed");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { TrainerDll(), "collect", "--env", "pendulum", "--episodes", "100000", "--seed", "9", "--out", dir })
            psi.ArgumentList.Add(a);

        using (var process = Process.Start(psi)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // Wait (bounded, not timed) until a few episodes are on disk, then kill without warning.
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2) && (!Directory.Exists(dir) || EpisodeFiles.List(dir).Count < 3))
                await Task.Delay(20);
            if (process.HasExited) Assert.Fail($"collect exited early ({process.ExitCode}): {await stderr}");
            Assert.True(EpisodeFiles.List(dir).Count >= 3, "collect wrote no episodes within two minutes");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var files = EpisodeFiles.List(dir);
        Assert.InRange(files.Count, 3, 99_999);
        Assert.Equal(Enumerable.Range(0, files.Count).Select(i => EpisodeFiles.FileName(i)), files.Select(Path.GetFileName));
        foreach (string file in files)
        {
            var rows = EpisodeReader.ReadFile(file);
            Assert.Equal(Enumerable.Range(0, 200), rows.Select(t => t.Step));
            Assert.True(rows[^1].Truncated, $"{Path.GetFileName(file)} does not end its episode");
        }
        // Anything else left is a temporary file, never under a .parquet name.
        Assert.All(Directory.GetFiles(dir).Except(files), f => Assert.EndsWith(".tmp", f));
        // The independent reader agrees on every surviving file.
        using var json = Hyparquet.Read(dir);
        Assert.Equal(files.Count * 200, json.RootElement.GetProperty("files").EnumerateArray().Sum(f => f.GetProperty("rows").GetArrayLength()));
    }

    /// <summary>The robotics-train assembly next to the tests (copied by the project reference).</summary>
    private static string TrainerDll()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "robotics-train.dll");
        Assert.True(File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), $"missing {dll} or its runtimeconfig");
        return dll;
    }
}
