using Microsoft.Extensions.Logging;

namespace Robotics.Sim.Serve;

/// <summary>One line per event on stderr ("HH:mm:ss.fff level message"), for the serve verb.</summary>
public sealed class ConsoleLineLogger(LogLevel minimum, TimeProvider time) : ILogger
{
    private static readonly object Gate = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        string level = logLevel switch
        {
            LogLevel.Trace => "trce", LogLevel.Debug => "dbug", LogLevel.Information => "info",
            LogLevel.Warning => "warn", LogLevel.Error => "fail", _ => "crit",
        };
        string line = $"{time.GetLocalNow():HH:mm:ss.fff} {level} {formatter(state, exception)}";
        lock (Gate) Console.Error.WriteLine(line);
    }
}
