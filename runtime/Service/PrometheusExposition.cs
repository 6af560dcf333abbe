using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Safety;

namespace Robotics.Runtime.Service;

/// <summary>
/// The service's metrics in the Prometheus text exposition format (version 0.0.4): base units (seconds, bytes),
/// counters ending in <c>_total</c>, labels only of small fixed sets (decision, check, result) plus the model's
/// identity on the info metric. Built per scrape on the HTTP thread (allocates; the loop only bumps counters).
/// docs/OPERATIONS.md lists every metric.
/// </summary>
public static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    private static readonly double StartTime = (Process.GetCurrentProcess().StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;

    public static string Write(ServiceState state, HealthCheck health, RollingRecording? recording = null)
    {
        var w = new Writer();
        LoopMetrics m = state.Metrics;
        string version = typeof(PrometheusExposition).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        w.Gauge("robotics_build_info", "Build of the runtime (value 1).", 1, ("version", version), ("dotnet", Environment.Version.ToString()));
        if (state.Model is { } model)
            w.Gauge("robotics_model_info", "The model driving the robot (value 1): card kind, algorithm, SHA-256 of the file.", 1,
                ("kind", model.Kind), ("algo", model.Algo), ("digest", model.Digest));
        w.Gauge("robotics_ready", "1 when /health/ready answers 200.", health.Ready().HttpStatus == 200 ? 1 : 0);
        w.Gauge("robotics_robot_connected", "1 while the robot's transport is up and the robot online.", state.RobotConnected ? 1 : 0);
        w.Gauge("robotics_estop_engaged", "1 while the e-stop latch is engaged.", state.EStop.IsEngaged ? 1 : 0);
        w.Counter("robotics_robot_connects_total", "Times the service reached a robot and started driving it.", state.RobotConnects);
        w.Counter("robotics_episodes_total", "Episodes finished.", state.Episodes);

        w.Histogram("robotics_loop_period_seconds", "Time between two answered states (the measured control period).", m.PeriodSeconds);
        w.Histogram("robotics_loop_plan_seconds", "Controller time per answered state.", m.PlanSeconds);
        w.Counter("robotics_loop_ticks_total", "Loop ticks (with or without a new state).", m.Ticks);
        w.Counter("robotics_loop_overruns_total", "Ticks whose work took longer than the control period.", m.Overruns);
        w.Counter("robotics_loop_deadline_misses_total", "Plans past the plan deadline, answered with the safe action instead.", m.DeadlineMisses);
        w.Counter("robotics_loop_stale_safe_actions_total", "Safe actions the loop sent while the robot was silent.", m.StaleSafeActions);
        w.Counter("robotics_loop_faults_total", "Ticks whose controller or gate threw (answered with the safe action).", state.Deployment?.Loop.Counters.Faults ?? 0);
        if (state.Deployment?.FaultWatch is { } fault)
        {
            w.Counter("robotics_fault_monitor_alarms_total", "Actuator-fault monitor alarms (commanded vs inferred action residual above its threshold), one per faulty episode.", fault.Alarms);
            w.Counter("robotics_fault_monitor_checked_total", "Transitions the actuator-fault monitor checked.", fault.Checked);
            w.Gauge("robotics_fault_monitor_residual", "The fault monitor's smoothed normalised residual after the last checked transition.", fault.Smoothed);
            w.Gauge("robotics_fault_monitor_threshold", "The residual above which the fault monitor alarms.", fault.Threshold);
        }
        w.Counter("robotics_states_answered_total", "Robot states the loop answered with a command.", m.StatesAnswered);
        w.Counter("robotics_states_missed_total", "Robot states the loop never answered (a newer one had arrived).", m.StatesMissed);

        var (byCheck, byDecision) = state.GateTotals();
        w.Family("robotics_gate_decisions_total", "counter", "Commands by the gate's decision.");
        for (int i = 0; i < byDecision.Length; i++) w.Sample("robotics_gate_decisions_total", byDecision[i], ("decision", ((SafetyDecision)i).ToWire()));
        w.Family("robotics_gate_check_actions_total", "counter", "Times each gate check clamped, vetoed or replaced a command.");
        for (int i = 0; i < byCheck.Length; i++) w.Sample("robotics_gate_check_actions_total", byCheck[i], ("check", ((SafetyCheck)i).ToWire()));

        DriverCounters? d = state.DriverCounters;
        w.Counter("robotics_driver_states_accepted_total", "States the driver accepted.", d?.StatesAccepted ?? 0);
        w.Counter("robotics_driver_states_rejected_total", "States the driver rejected (malformed, non-finite, out of order).", d?.StatesRejected ?? 0);
        w.Counter("robotics_driver_commands_sent_total", "Commands the driver sent.", d?.CommandsSent ?? 0);
        w.Counter("robotics_driver_commands_dropped_total", "Commands not sent (disconnected or past their ttl).", d?.CommandsDropped ?? 0);
        w.Counter("robotics_driver_reconnects_total", "Transport reconnects.", d?.Reconnects ?? 0);
        w.Counter("robotics_driver_disconnects_total", "Transport disconnects.", d?.Disconnects ?? 0);
        w.Counter("robotics_driver_robot_restarts_total", "Robot restarts the driver recognised.", d?.RobotRestarts ?? 0);
        w.Counter("robotics_driver_stale_events_total", "Times the driver's watchdog saw the state go stale.", d?.StaleEvents ?? 0);

        w.Family("robotics_model_reloads_total", "counter", "Hot reloads by result.");
        w.Sample("robotics_model_reloads_total", state.ReloadsOk, ("result", "swapped"));
        w.Sample("robotics_model_reloads_total", state.ReloadsRefused, ("result", "refused"));

        if (recording is not null)
        {
            var (files, bytes) = recording.Files();
            w.Gauge("robotics_recording_files", "Finished episode files in the recording folder.", files.Count);
            w.Gauge("robotics_recording_bytes", "Bytes of the recording folder's episode files (parts included).", bytes);
            w.Counter("robotics_recording_files_deleted_total", "Episode files deleted by retention.", recording.FilesDeleted);
        }

        using var process = Process.GetCurrentProcess();
        w.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", process.WorkingSet64);
        w.Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", StartTime);
        w.Gauge("robotics_gc_heap_bytes", "Bytes of the managed heap in use (GC.GetTotalMemory).", GC.GetTotalMemory(false));
        w.Counter("robotics_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start.", GC.GetTotalAllocatedBytes());
        return w.ToString();
    }

    private sealed class Writer
    {
        private readonly StringBuilder _sb = new();

        public void Family(string name, string type, string help) =>
            _sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        public void Sample(string name, double value, params (string Key, string Value)[] labels)
        {
            _sb.Append(name);
            if (labels.Length > 0)
            {
                _sb.Append('{');
                for (int i = 0; i < labels.Length; i++)
                {
                    if (i > 0) _sb.Append(',');
                    _sb.Append(labels[i].Key).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
                }
                _sb.Append('}');
            }
            _sb.Append(' ').Append(Number(value)).Append('\n');
        }

        public void Counter(string name, string help, double value) { Family(name, "counter", help); Sample(name, value); }

        public void Gauge(string name, string help, double value, params (string, string)[] labels) { Family(name, "gauge", help); Sample(name, value, labels); }

        public void Histogram(string name, string help, Histogram h)
        {
            Family(name, "histogram", help);
            for (int i = 0; i < h.Bounds.Count; i++) Sample(name + "_bucket", h.CumulativeCount(i), ("le", Number(h.Bounds[i])));
            long count = h.CumulativeCount(h.Bounds.Count);
            Sample(name + "_bucket", count, ("le", "+Inf"));
            Sample(name + "_sum", h.SumSeconds);
            Sample(name + "_count", count);
        }

        private static string Escape(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

        private static string Number(double v) => double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf"
            : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);

        public override string ToString() => _sb.ToString();
    }
}
