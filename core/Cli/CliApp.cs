using System.CommandLine;

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

    /// <summary>
    /// Parses and invokes. Parse errors and <see cref="UsageException"/>s print "error: ..." on one line
    /// to stderr and return 2; other exceptions print one line and return 1.
    /// </summary>
    public static int Run(RootCommand root, string[] args)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitUsage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitUsage;
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
