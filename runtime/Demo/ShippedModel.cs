namespace Robotics.Runtime.Demo;

/// <summary>
/// Where the repository's shipped model lives (<c>models/pendulum.onnx</c>): looked up from the working
/// directory and from the executable's directory upwards, so <c>dotnet run --project runtime</c> finds it
/// from the repository root or from anywhere inside it.
/// </summary>
public static class ShippedModel
{
    public const string RelativePath = "models/pendulum.onnx";

    /// <summary>The first existing candidate, else the working-directory path (which then fails with a clear message).</summary>
    public static string Locate()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        return Path.GetFullPath(RelativePath);
    }
}
