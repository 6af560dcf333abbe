using System.CommandLine;
using System.CommandLine.Parsing;
using Robotics.Core.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Service;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Cli;

/// <summary>
/// <c>robotics serve --model M --robot ADDR [--http 127.0.0.1:PORT] [--config DIR]</c> (alias <c>serve-runtime</c>):
/// one robot driven as a long-running service (runtime/Service): every option of <c>run</c>, also from
/// appsettings.json, appsettings.{Environment}.json and ROBOTICS_ environment variables (<see cref="ServeConfiguration"/>),
/// health and Prometheus metrics over HTTP, the systemd watchdog, model hot reload and continuous recording.
/// Bad settings: one <c>error:</c> line per bad field, exit 2, before the robot is touched.
/// </summary>
public static class ServeCommand
{
    public static Command Create() => Create(new ServeServices());

    /// <summary>Testable form: connector, clock, plug-ins and environment injected.</summary>
    public static Command Create(ServeServices services)
    {
        var first = new ServeCliOptions();
        Command cmd = first.Build();
        cmd.SetAction(async (parse, ct) =>
        {
            var cfg = ServeConfiguration.Load(parse.GetValue(first.Config), services.Environment);
            var given = cmd.Options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToHashSet();
            var tokens = parse.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value).ToList();

            // Parse once more, configured values included, with the same definitions: one parser whatever the source.
            var second = new ServeCliOptions();
            Command again = second.Build();
            List<string> merged = cfg.Merge(again.Options, o => given.Contains(o.Name), tokens);
            ParseResult p = new RootCommand { again }.Parse(["serve", .. merged]);
            var problems = new List<string>();
            foreach (ParseError e in p.Errors) problems.Add(Attribute(e.Message, again, given, cfg));
            if (problems.Count > 0) throw new UsageException(string.Join("\nerror: ", problems));

            ServiceOptions service = cfg.ServiceOptions(p.GetValue(second.Http), p.GetValue(second.LogFormat), problems);
            problems.AddRange(service.Problems());
            SessionOptions? session = null;
            try { session = second.Session.Read(p); }
            catch (UsageException e) { problems.Add(Attribute(e.Message, again, given, cfg)); }
            if (problems.Count > 0) throw new UsageException(string.Join("\nerror: ", problems));
            return await ServiceHost.RunAsync(session!, service, cfg, services, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    /// <summary>Names the configuration source of an option an error line mentions, when it did not come from the command line.</summary>
    private static string Attribute(string message, Command cmd, HashSet<string> given, ServeConfiguration cfg)
    {
        foreach (Option o in cmd.Options)
        {
            bool mentions = message.Contains($"'{o.Name}'", StringComparison.Ordinal) || message.StartsWith(o.Name + " ", StringComparison.Ordinal)
                            || message.StartsWith(o.Name + ":", StringComparison.Ordinal);
            if (!mentions) continue;
            if (given.Contains(o.Name)) return message;
            {
                string key = ServeConfiguration.KeyOf(o);
                string source = cfg.SourceOf(key);
                return source == "default" ? message : $"{key} (from {source}): {message}";
            }
        }
        return message;
    }

    /// <summary>serve's options: run's (defined once in <see cref="SessionCliOptions"/>) plus the service's own flags.</summary>
    private sealed class ServeCliOptions
    {
        public SessionCliOptions Session { get; } = new(0, "episodes before the service ends (0: until stopped)", modelRequired: false);
        public Option<string?> Http { get; } = new("--http") { Description = "serve /health/live, /health/ready, /metrics and POST /reload on IP:PORT (e.g. 127.0.0.1:9100); also Http in appsettings.json" };
        public Option<string?> LogFormat { get; } = new("--log-format") { Description = "simple | json (one JSON object per line, with event ids)" };
        public Option<string?> Config { get; } = new("--config") { Description = "folder with appsettings.json and appsettings.{Environment}.json (default: the working directory)" };

        public Command Build()
        {
            var cmd = new Command("serve", "Drive one robot as a long-running service: appsettings/environment configuration, /health and /metrics over HTTP, systemd watchdog, model hot reload, continuous recording; accepts everything run does.");
            cmd.Aliases.Add("serve-runtime");
            Session.AddTo(cmd);
            cmd.Options.Add(Http);
            cmd.Options.Add(LogFormat);
            cmd.Options.Add(Config);
            return cmd;
        }
    }
}
