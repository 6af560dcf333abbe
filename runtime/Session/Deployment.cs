using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Safety.Checks;

namespace Robotics.Runtime.Session;

/// <summary>
/// What a session puts in front of a robot, built through the seams: the files checked together and against
/// the robot (<see cref="DeploymentFiles"/>), the gate with the safety predictor the predictor file's kind
/// provides (none: model checks off, said in one line), the controller the card's kind gets from the
/// <see cref="ControllerRegistry"/>, and the control loop. Not real-time; built before any command.
/// </summary>
public sealed class Deployment : IDisposable
{
    private Deployment(DeploymentFiles files, IController controller, ISafetyPredictor? predictor, ICommandGate gate, ControlLoop loop)
    {
        Files = files; Controller = controller; Predictor = predictor; Gate = gate; Loop = loop;
    }

    public DeploymentFiles Files { get; }
    public ModelCard Card => Files.Model.Card;
    public IController Controller { get; }
    public ISafetyPredictor? Predictor { get; }
    public ICommandGate Gate { get; }
    public ControlLoop Loop { get; }

    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (bad file,
    /// card or unknown kind), <see cref="ModelCardMismatchException"/> or <see cref="ArgumentException"/>.
    /// </summary>
    public static Deployment Build(SessionOptions o, IRobotDriver driver, RobotSpec spec, SessionServices s)
    {
        var files = DeploymentFiles.Resolve(o.ModelPath, o.SafetyModelPath, spec, s.Registry);
        ILogger logger = s.Logger;
        ISafetyPredictor? predictor = null;
        IController? controller = null;
        try
        {
            ICommandGate gate;
            if (o.Gate == GateKind.Safety)
            {
                var gateOptions = o.SafetyOptions ?? new SafetyGateOptions
                {
                    // Lock-step robots wait for us, so a slow plan does not make their state stale.
                    Staleness = o.Realtime ? null : new StalenessOptions(TimeSpan.FromSeconds(30)),
                };
                predictor = files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
                {
                    Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1,
                    Options = o.Controller, Logger = logger,
                });
                if (predictor is null)
                    logger.LogWarning("safety: '{File}' (kind {Kind}) predicts no next state: state limits and the uncertainty veto are off (give --safety-model)",
                        Path.GetFileName(files.PredictorFile.Path), files.PredictorFile.Card.Kind);
                gate = SafetyGate.Create(spec, predictor, gateOptions, s.EStop, s.Time, logger);
            }
            else gate = new PassThroughGate();

            controller = files.Factory.Create(new ControllerContext
            {
                Model = files.Model, Robot = spec, Task = TaskResolver.Resolve(files.Model.Card, logger),
                SafetyPredictor = predictor, Options = o.Controller with { Seed = o.Seed }, Time = s.Time, Logger = logger,
            });
            var loop = new ControlLoop(driver, spec, controller, gate, o.LoopOptions(spec.Id), s.Time, logger);
            return new Deployment(files, controller, predictor, gate, loop);
        }
        catch
        {
            controller?.Dispose();
            (predictor as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Not real-time. Another loop with this deployment's controller and gate, e.g. on a second robot used for
    /// evaluation. Loops sharing a controller must not run at the same time.
    /// </summary>
    public ControlLoop NewLoop(IRobotDriver driver, RobotSpec spec, ControlLoopOptions options, TimeProvider time) =>
        new(driver, spec, Controller, Gate, options, time);

    public void Dispose()
    {
        Controller.Dispose();
        (Predictor as IDisposable)?.Dispose();
    }
}
