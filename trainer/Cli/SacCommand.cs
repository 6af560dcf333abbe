using System.CommandLine;
using Robotics.Trainer.Sac;
using Spectre.Console;

namespace Robotics.Trainer.Cli;

/// <summary>
/// <c>robotics-train sac --env ENV --steps N --seed S --out DIR</c>: soft actor-critic alone (the model-free
/// baseline): DIR/curve.csv, DIR/curve.png and the deployable DIR/model/policy.onnx (no ensemble beside it).
/// </summary>
public static class SacCommand
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var common = new OffPolicyCli();
        var cmd = new Command("sac", "SAC (twin Q, tanh-Gaussian actor, automatic temperature) on a simulated robot, exported as an ONNX policy.");
        common.AddTo(cmd);
        cmd.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            var o = common.Read(parse, "sac", defaultSeedSteps: 1000, defaultUpdates: 1);
            return Task.FromResult(OffPolicyCli.Execute("sac", o, console, (log, progress) => new SacLoop(o, log, progress).Run(ct)));
        });
        return cmd;
    }
}
