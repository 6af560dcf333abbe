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
    public static JsonDocument Read(params string[] paths) => JsonDocument.Parse(RunNode("read-parquet.mjs", "hyparquet", paths));

    /// <summary>
    /// Runs tests/js/<paramref name="script"/> under node with <paramref name="args"/> and returns its stdout; fails (never
    /// skips) when node or the npm package <paramref name="package"/> is missing or the script exits non-zero.
    /// Other independent checks (onnxruntime-node) use it too.
    /// </summary>
    public static string RunNode(string script, string package, params string[] args)
    {
        string jsDir = Path.Combine(RepoRoot, "tests", "js");
        string path = Path.Combine(jsDir, script);
        Assert.True(File.Exists(path), $"missing {path}");
        Assert.True(Directory.Exists(Path.Combine(jsDir, "node_modules", package)),
            $"{package} is not installed: run `npm ci` in tests/js (needs Debian packages nodejs and npm)");

        var psi = new ProcessStartInfo("node") { WorkingDirectory = jsDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        foreach (string a in args) psi.ArgumentList.Add(a);
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
            Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}: {stderr.Result}");
            return stdout;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Robotics.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Robotics.sln above {AppContext.BaseDirectory}");
    }
}
