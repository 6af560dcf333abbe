using Microsoft.Extensions.Logging;

namespace Robotics.Safety.Tests.Fakes;

/// <summary>A structured log event: level, id and the named values.</summary>
public sealed record LogEvent(LogLevel Level, EventId Id, string Message, IReadOnlyDictionary<string, object?> Values)
{
    public object? this[string name] => Values[name];
}

/// <summary>An ILogger that keeps every event with its structured values.</summary>
public sealed class CapturingLogger : ILogger
{
    public List<LogEvent> Events { get; } = [];

    /// <summary>Events from the safety checks (id 6001), for the given check's wire name.</summary>
    public IEnumerable<LogEvent> CheckEvents(SafetyCheck check) =>
        Events.Where(e => e.Id.Id == 6001 && Equals(e["Check"], check));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new Dictionary<string, object?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> kvs)
            foreach (var kv in kvs) values[kv.Key] = kv.Value;
        Events.Add(new LogEvent(logLevel, eventId, formatter(state, exception), values));
    }
}

/// <summary>An enabled logger that only counts calls, so allocation tests see the gate's own cost.</summary>
public sealed class CountingLogger : ILogger
{
    public int Count;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Count++;
}
