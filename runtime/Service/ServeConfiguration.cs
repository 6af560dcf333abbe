using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Robotics.Runtime.Service;

/// <summary>
/// Where <c>robotics serve</c> takes its settings from, later sources winning: <c>appsettings.json</c>, then
/// <c>appsettings.{Environment}.json</c> (both in the --config folder, default the working directory; the
/// environment from ROBOTICS_ENVIRONMENT or DOTNET_ENVIRONMENT, default Production), then environment variables
/// prefixed <c>ROBOTICS_</c> (sections with <c>__</c>), then the command line.
/// <para>
/// Every option of <c>run</c> is a top-level key named after it (<c>--safety-model</c> is <c>SafetyModel</c>, also
/// <c>ROBOTICS_SAFETYMODEL</c>). Those keys are turned back into command-line tokens for the options the command
/// line did not give, and the whole line is parsed once more by the same option definitions <c>run</c> uses, so
/// there is one parser and one validation whatever the source.
/// </para>
/// </summary>
public sealed class ServeConfiguration
{
    public const string EnvPrefix = "ROBOTICS_";
    private readonly IConfigurationRoot _root;

    private ServeConfiguration(IConfigurationRoot root, string directory, string environment)
    {
        _root = root; Directory = directory; Environment = environment;
    }

    public IConfiguration Root => _root;
    public string Directory { get; }
    public string Environment { get; }

    /// <summary>Not real-time. Reads the files (missing ones are fine) and the environment.</summary>
    public static ServeConfiguration Load(string? directory, IDictionary<string, string?>? environment = null)
    {
        string dir = Path.GetFullPath(directory ?? System.IO.Directory.GetCurrentDirectory());
        string Env(string k) => environment is not null ? (environment.TryGetValue(k, out var v) ? v ?? "" : "") : System.Environment.GetEnvironmentVariable(k) ?? "";
        string env = Env("ROBOTICS_ENVIRONMENT") is { Length: > 0 } e ? e : Env("DOTNET_ENVIRONMENT") is { Length: > 0 } d ? d : "Production";
        var b = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(dir, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(dir, $"appsettings.{env}.json"), optional: true, reloadOnChange: false);
        if (environment is null) b.AddEnvironmentVariables(EnvPrefix);
        else b.AddInMemoryCollection(environment.Where(kv => kv.Key.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
                                                 .Select(kv => KeyValuePair.Create(kv.Key[EnvPrefix.Length..].Replace("__", ":"), kv.Value)));
        return new ServeConfiguration(b.Build(), dir, env);
    }

    /// <summary>"--safety-model" -> "SafetyModel".</summary>
    public static string KeyOf(Option option) =>
        string.Concat(option.Name.TrimStart('-').Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>
    /// The command line's tokens with configured values put in front for every option in <paramref name="options"/>
    /// that <paramref name="given"/> says the command line lacks.
    /// </summary>
    public List<string> Merge(IEnumerable<Option> options, Func<Option, bool> given, IReadOnlyList<string> commandLine)
    {
        var merged = new List<string>();
        foreach (Option o in options)
        {
            if (given(o) || o.Name is "--help" or "-h" or "--version") continue;
            string? value = _root[KeyOf(o)];
            if (value is null) continue;
            merged.Add(o.Name);
            merged.Add(value);
        }
        merged.AddRange(commandLine);
        return merged;
    }

    /// <summary>Which source gave <paramref name="key"/> (for error lines): "appsettings.json", "ROBOTICS_ environment", ...</summary>
    public string SourceOf(string key)
    {
        foreach (IConfigurationProvider p in _root.Providers.Reverse())
            if (p.TryGet(key, out _))
                return p switch
                {
                    Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider j => Path.GetFileName(j.Source.Path ?? "appsettings.json"),
                    _ => EnvPrefix + key.ToUpperInvariant().Replace(":", "__"),
                };
        return "default";
    }

    /// <summary>
    /// The service's own options from the configuration (the command line's --http and --log-format win); every
    /// unreadable value is one line in <paramref name="problems"/>.
    /// </summary>
    public ServiceOptions ServiceOptions(string? httpFlag, string? logFormatFlag, List<string> problems)
    {
        var d = new ServiceOptions();
        string? Str(string key) => _root[key] is { Length: > 0 } v ? v : null;
        T Read<T>(string key, T fallback, Func<string, T?> parse) where T : struct
        {
            if (Str(key) is not { } text) return fallback;
            if (parse(text) is { } v) return v;
            problems.Add($"{key} (from {SourceOf(key)}): cannot read '{text}'");
            return fallback;
        }
        static double? Dbl(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        static long? Lng(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;
        static int? Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
        static bool? Bool(string s) => bool.TryParse(s, out bool v) ? v : null;
        TimeSpan Ms(string key, TimeSpan fallback) => TimeSpan.FromMilliseconds(Read(key, fallback.TotalMilliseconds, Dbl));

        string? format = logFormatFlag ?? Str("LogFormat");
        LogFormat logFormat = format?.ToLowerInvariant() switch
        {
            null or "simple" => LogFormat.Simple,
            "json" => LogFormat.Json,
            _ => Bad(LogFormat.Simple, $"LogFormat (--log-format): must be simple or json, got '{format}'"),
        };
        T Bad<T>(T v, string line) { problems.Add(line); return v; }

        return new ServiceOptions
        {
            Http = httpFlag ?? Str("Http"),
            FreshAfter = Str("FreshAfterMs") is null ? null : Ms("FreshAfterMs", TimeSpan.Zero),
            LiveAfter = Ms("LiveAfterMs", d.LiveAfter),
            DegradedWindow = Ms("DegradedWindowMs", d.DegradedWindow),
            RetryDelay = Ms("RetryDelayMs", d.RetryDelay),
            LogFormat = logFormat,
            Watchdog = new WatchdogOptions { MaxMissFraction = Read("Watchdog:MaxMissFraction", d.Watchdog.MaxMissFraction, Dbl) },
            Reload = new ReloadOptions
            {
                Watch = Read("Reload:Watch", d.Reload.Watch, Bool),
                States = Read("Reload:States", d.Reload.States, Int),
                PlanQuantile = Read("Reload:PlanQuantile", d.Reload.PlanQuantile, Dbl),
                SwapTimeout = Ms("Reload:SwapTimeoutMs", d.Reload.SwapTimeout),
            },
            Recording = new RecordingOptions
            {
                MaxFiles = Read("Recording:MaxFiles", d.Recording.MaxFiles, Int),
                MaxBytes = Read("Recording:MaxBytes", d.Recording.MaxBytes, Lng),
                MaxTransitionsPerFile = Read("Recording:MaxTransitionsPerFile", d.Recording.MaxTransitionsPerFile, Int),
            },
        };
    }
}
