using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Robotics.Tests.Support;

/// <summary>
/// Runs tests/js/read-parquet.mjs (hyparquet under node), an independent Parquet reader, and returns its
/// JSON. Fails, never skips, when node or the npm packages are missing. Shared by the Core and Trainer tests.
/// </summary>
public static class Hyparquet
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Reads files or directories; the result's "files" array holds name, schema, metadata and rows.</summary>
    public static JsonDocument Read(params string[] paths)
    {
        string jsDir = Path.Combine(RepoRoot, "tests", "js");
        string script = Path.Combine(jsDir, "read-parquet.mjs");
        Assert.True(File.Exists(script), $"missing {script}");
        Assert.True(Directory.Exists(Path.Combine(jsDir, "node_modules", "hyparquet")),
            "hyparquet is not installed: run `npm ci` in tests/js (needs Debian packages nodejs and npm)");

        var psi = new ProcessStartInfo("node") { WorkingDirectory = jsDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (string p in paths) psi.ArgumentList.Add(p);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"cannot run node ({e.Message}): install nodejs (Debian: apt-get install nodejs npm), then run `npm ci` in tests/js");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"node read-parquet.mjs exited with {process.ExitCode}: {stderr.Result}");
            return JsonDocument.Parse(stdout);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Robotics.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Robotics.sln above {AppContext.BaseDirectory}");
    }
}
