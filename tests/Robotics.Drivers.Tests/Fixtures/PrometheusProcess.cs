using System.Net;
using System.Text.Json;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// Debian's Prometheus on a free 127.0.0.1 port, scraping one target every second, with its storage in a private
/// temporary folder; asked through its HTTP API (targets, instant queries); stopped by PID.
/// </summary>
internal sealed class PrometheusProcess : IDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public PrometheusProcess(string target, string job = "robotics")
    {
        string exe = ExternalTool.Require("prometheus", "prometheus");
        Dir = Directory.CreateTempSubdirectory("prometheus-test-").FullName;
        Port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        string config = Path.Combine(Dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ['{target}']
            """);
        _process = ChildProcess.Start(exe, ["--config.file", config, "--storage.tsdb.path", Path.Combine(Dir, "data"),
            "--web.listen-address", $"127.0.0.1:{Port}", "--log.level", "warn"]);
    }

    public string Dir { get; }
    public int Port { get; }
    public string Log => _process.Output;
    public bool HasExited => _process.Process.HasExited;

    /// <summary>The scrape target's health ("up", "down", "unknown") and last error, from /api/v1/targets; null before Prometheus answers.</summary>
    public async Task<(string Health, string Error)?> TargetAsync(CancellationToken ct)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/targets", ct));
            foreach (JsonElement t in doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray())
                return (t.GetProperty("health").GetString()!, t.GetProperty("lastError").GetString() ?? "");
            return null;
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }

    /// <summary>An instant query's first sample value (null: no sample).</summary>
    public async Task<double?> QueryAsync(string promql, CancellationToken ct)
    {
        using JsonDocument doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}", ct));
        foreach (JsonElement r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            return double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The label set of a query's first series.</summary>
    public async Task<Dictionary<string, string>?> QueryLabelsAsync(string promql, CancellationToken ct)
    {
        using JsonDocument doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}", ct));
        foreach (JsonElement r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            return r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return null;
    }

    public void Dispose()
    {
        _process.Dispose();
        _http.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
