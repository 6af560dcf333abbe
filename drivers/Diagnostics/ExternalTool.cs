namespace Robotics.Drivers.Diagnostics;

/// <summary>Finds a command-line tool a test or benchmark needs, failing (never skipping) with the Debian package to install.</summary>
public static class ExternalTool
{
    public static string Require(string name, string debianPackage, params string[] extraDirs)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(extraDirs).Concat(["/usr/sbin", "/usr/bin"]);
        foreach (var d in dirs)
        {
            string p = Path.Combine(d, name);
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException($"'{name}' not found: install the Debian package {debianPackage} (apt-get install {debianPackage})");
    }
}
