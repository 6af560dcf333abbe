using System.Diagnostics;
using System.Net;
using Robotics.Core.Cli;
using Robotics.Drivers.Diagnostics;
using Robotics.Drivers.Mqtt;
using Robotics.Drivers.Tests.Fixtures;
using Robotics.Runtime.Demo;

namespace Robotics.Drivers.Tests;

/// <summary>
/// Issue 20 with real components on loopback: Mosquitto, the virtual robot (<c>robotics-sim serve</c>, its own
/// process), <c>robotics serve</c> (its own process, configured by appsettings.json plus an environment override)
/// and Debian's Prometheus scraping it; promtool lints the exposition.
/// </summary>
public class ServiceHilTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static async Task<int> StatusAsync(string url, CancellationToken ct)
    {
        try { using var r = await Http.GetAsync(url, ct); return (int)r.StatusCode; }
        catch (HttpRequestException) { return 0; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return 0; }
    }

    private static async Task Until(Func<Task<bool>> ok, TimeSpan within, string what, Func<string> log, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (!await ok())
        {
            if (sw.Elapsed > within) Assert.Fail($"{what} not within {within.TotalSeconds:F0} s\n{log()}");
            await Task.Delay(200, ct);
        }
    }

    [Fact]
    public async Task Serve_HealthFollowsTheRobot_PrometheusScrapesMetrics_PromtoolAcceptsThem()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var ct = cts.Token;
        using var mosquitto = new MosquittoProcess();
        int httpPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        string dir = Directory.CreateTempSubdirectory("serve-hil-").FullName;
        try
        {
            // The file names a port nobody listens on; the environment's override must win over it.
            File.WriteAllText(Path.Combine(dir, "appsettings.json"), $$"""
                {
                  "Model": "{{ShippedModel.Locate()}}",
                  "Robot": "{{mosquitto.Uri}}/svc",
                  "Http": "127.0.0.1:1",
                  "Planner": "mppi", "Horizon": 5, "Population": 32, "Iterations": 1, "Threads": 1,
                  "RetryDelayMs": 500,
                  "Logging": { "LogLevel": { "Default": "Information", "Robotics.Runtime.Service.RobotService": "Warning" } }
                }
                """);
            using var serve = ChildProcess.Dotnet("robotics.dll", ["serve", "--config", dir],
                new Dictionary<string, string> { ["ROBOTICS_HTTP"] = $"127.0.0.1:{httpPort}", ["ROBOTICS_ENVIRONMENT"] = "Testing" });
            string ready = $"http://127.0.0.1:{httpPort}/health/ready", live = $"http://127.0.0.1:{httpPort}/health/live";

            // No robot yet: the service is up (live 200) but not ready (503).
            await Until(async () => await StatusAsync(live, ct) == 200, TimeSpan.FromSeconds(90), "serve listening on the environment's port", () => serve.Output, ct);
            Assert.Equal(503, await StatusAsync(ready, ct));

            // The robot comes: ready goes 200.
            using var robot = ChildProcess.Dotnet("robotics-sim.dll", ["serve", "--env", "pendulum", "--transport", "mqtt", "--broker", mosquitto.Uri, "--id", "svc", "--seed", "5"]);
            await Until(async () => await StatusAsync(ready, ct) == 200, TimeSpan.FromSeconds(60), "ready 200 once the robot answers", () => serve.Output + "\n--- robot\n" + robot.Output, ct);

            // Prometheus scrapes it; the service's own counters arrive there.
            using var prometheus = new PrometheusProcess($"127.0.0.1:{httpPort}");
            await Until(async () => await prometheus.TargetAsync(ct) is { Health: "up" }, TimeSpan.FromSeconds(60), "prometheus target up",
                () => $"{prometheus.TargetAsync(ct).GetAwaiter().GetResult()}\n{prometheus.Log}", ct);
            await Until(async () => await prometheus.QueryAsync("robotics_states_answered_total", ct) is > 20, TimeSpan.FromSeconds(30),
                "answered states in prometheus", () => prometheus.Log, ct);
            var info = await prometheus.QueryLabelsAsync("robotics_model_info", ct);
            Assert.NotNull(info);
            Assert.Equal(("ensemble-dynamics", "pets"), (info!["kind"], info["algo"]));
            Assert.Matches("^[0-9a-f]{64}$", info["digest"]);
            Assert.Equal(1.0, await prometheus.QueryAsync("robotics_ready", ct));

            // promtool lints the exposition as Prometheus' own tooling sees it.
            string exposition = await Http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics", ct);
            var psi = new ProcessStartInfo(ExternalTool.Require("promtool", "prometheus"), "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using (var promtool = Process.Start(psi)!)
            {
                await promtool.StandardInput.WriteAsync(exposition);
                promtool.StandardInput.Close();
                string lint = await promtool.StandardOutput.ReadToEndAsync(ct) + await promtool.StandardError.ReadToEndAsync(ct);
                await promtool.WaitForExitAsync(ct);
                Assert.True(promtool.ExitCode == 0 && lint.Trim().Length == 0, $"promtool exit {promtool.ExitCode}: {lint}\n{exposition}");
            }
            Assert.Contains("robotics_loop_period_seconds_bucket{le=\"0.05\"}", exposition);
            Assert.Contains("robotics_gate_decisions_total{decision=\"ok\"}", exposition);

            // The robot goes silent (killed): not ready any more, still live.
            robot.Kill();
            await Until(async () => await StatusAsync(ready, ct) == 503, TimeSpan.FromSeconds(10), "ready 503 once the robot is silent", () => serve.Output, ct);
            Assert.Equal(200, await StatusAsync(live, ct));

            // A service manager's stop: exit 143 after the safe stop.
            PosixKill.Send(serve.Pid, PosixKill.SigTerm);
            await serve.Process.WaitForExitAsync(ct);
            Assert.True(serve.Process.ExitCode == CliApp.ExitSigTerm, $"exit {serve.Process.ExitCode}: {serve.Output}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
