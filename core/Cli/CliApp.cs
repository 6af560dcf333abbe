using System.CommandLine;
using System.Runtime.InteropServices;

namespace Robotics.Core.Cli;

/// <summary>
/// A bad command-line argument or input named by the user. The CLIs print its message on one line and
/// exit with code 2.
/// </summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Runs a System.CommandLine root with this project's conventions for errors and exit codes.</summary>
public static class CliApp
{
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;
    /// <summary>Exit codes after SIGINT (Ctrl-C) and SIGTERM, 128 + the signal's number as Unix tools do.</summary>
    public const int ExitSigInt = 130, ExitSigTerm = 143;
    /// <summary>How long a verb has to stop after SIGINT/SIGTERM before the process exits anyway.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Parses and invokes. Parse errors and <see cref="UsageException"/>s print "error: ..." on one line
    /// to stderr and return 2; other exceptions print one line and return 1. SIGINT and SIGTERM cancel the
    /// verb's token (so a robot session sends its safe action and saves its recording on the way out), print
    /// one line and return 130 / 143; a verb that has not stopped <see cref="StopGrace"/> later, or a second
    /// signal, ends the process at once.
    /// </summary>
    public static int Run(RootCommand root, string[] args)
    {
        using var stop = new StopSignals();
        int code = Run(root, args, stop.Token);
        if (stop.Received is { } signal)
        {
            Console.Error.WriteLine($"stopped by {signal}");
            return signal == PosixSignal.SIGTERM ? ExitSigTerm : ExitSigInt;
        }
        return code;
    }

    private static int Run(RootCommand root, string[] args, CancellationToken stop)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitUsage;
        }
        try
        {
            // Signals are ours (StopSignals), not System.CommandLine's, which would turn SIGTERM into 130.
            return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, stop)
                .GetAwaiter().GetResult();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitSigInt; // Run(root, args) prints the signal's line and its exit code
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // e.g. a model that does not compile or a native library that does not load: one line naming it.
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return ExitFailure;
        }
    }

    /// <summary>Throws a <see cref="UsageException"/> naming the option unless <paramref name="ok"/>.</summary>
    public static void Require(bool ok, string message)
    {
        if (!ok) throw new UsageException(message);
    }
}

/// <summary>
/// SIGINT and SIGTERM through <see cref="PosixSignalRegistration"/>: the first cancels <see cref="Token"/> instead of
/// killing the process and arms a <see cref="CliApp.StopGrace"/> deadline; a second, or the deadline, ends the process.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public StopSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _cts.Token;
    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        // The second signal takes the default action (the process ends); the first asks the verb to stop.
        if (Interlocked.Increment(ref _signals) > 1) return;
        context.Cancel = true;
        Received = context.Signal;
        int code = context.Signal == PosixSignal.SIGTERM ? CliApp.ExitSigTerm : CliApp.ExitSigInt;
        _ = Task.Delay(CliApp.StopGrace).ContinueWith(_ =>
        {
            Console.Error.WriteLine($"stopped by {context.Signal}: did not stop within {CliApp.StopGrace.TotalSeconds:F0} s, exiting");
            Environment.Exit(code);
        }, TaskScheduler.Default);
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
