using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.EnsembleMpc;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Safety;
using Robotics.Safety.Checks;

namespace Robotics.Runtime.Loop;

/// <summary>
/// A deployment built through the seams: the files checked together and against the robot
/// (<see cref="DeploymentFiles"/>), the controller the card's kind gets from the <see cref="ControllerRegistry"/>,
/// the gate with the safety predictor the predictor file's kind provides (none: model checks off, said in one
/// line), and the control loop. Everything is loaded and validated in <see cref="Create"/>, before any command.
/// </summary>
public sealed class MpcController : IDisposable
{
    private readonly ISafetyPredictor? _predictor;

    private MpcController(DeploymentFiles files, IController controller, ISafetyPredictor? predictor, ICommandGate gate, ControlLoop loop)
    {
        Files = files; Controller = controller; _predictor = predictor; Gate = gate; Loop = loop;
    }

    public DeploymentFiles Files { get; }
    public ModelCard Card => Files.Model.Card;
    public IController Controller { get; }
    /// <summary>"cpu" or "cuda" for ensemble MPC; "cpu" otherwise unless the controller says.</summary>
    public string Provider => (Controller as EnsembleMpcController)?.Provider ?? "cpu";
    /// <summary>The planner when the controller is ensemble MPC, else null.</summary>
    public IPlanner? Planner => (Controller as EnsembleMpcController)?.Planner;
    public ICommandGate Gate { get; }
    public ControlLoop Loop { get; }
    /// <summary>True when the planner scores with the fused rollout graph.</summary>
    public bool Fused => Controller is EnsembleMpcController { Fused: true };

    /// <summary>
    /// Not real-time. Another loop with this deployment's controller and gate, e.g. on a second robot used for
    /// evaluation. Loops sharing a controller must not run at the same time.
    /// </summary>
    public ControlLoop NewLoop(IRobotDriver driver, RobotSpec spec, ControlLoopOptions options, TimeProvider time) =>
        new(driver, spec, Controller, Gate, options, time);

    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (bad file,
    /// card or unknown kind), <see cref="ModelCardMismatchException"/> or <see cref="ArgumentException"/>
    /// before the robot is sent anything.
    /// </summary>
    public static MpcController Create(string modelPath, IRobotDriver driver, RobotSpec spec, MpcControllerOptions options,
                                       TimeProvider time, ILogger? logger = null, EStopLatch? estop = null,
                                       ControllerRegistry? registry = null, string? safetyModelPath = null)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        var files = DeploymentFiles.Resolve(modelPath, safetyModelPath, spec, registry ?? ControllerRegistry.CreateDefault());
        var controllerOptions = options.ControllerOptions;
        ISafetyPredictor? predictor = null;
        IController? controller = null;
        try
        {
            ICommandGate gate;
            if (options.Gate == GateKind.Safety)
            {
                var gateOptions = options.SafetyOptions ?? new SafetyGateOptions
                {
                    // Lock-step robots wait for us, so a slow plan does not make their state stale.
                    Staleness = options.Loop.Realtime ? null : new StalenessOptions(TimeSpan.FromSeconds(30)),
                };
                predictor = files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
                {
                    Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1,
                    Options = controllerOptions, Logger = logger,
                });
                if (predictor is null)
                    logger.LogWarning("safety: '{File}' (kind {Kind}) predicts no next state: state limits and the uncertainty veto are off",
                        Path.GetFileName(files.PredictorFile.Path), files.PredictorFile.Card.Kind);
                gate = SafetyGate.Create(spec, predictor, gateOptions, estop, time, logger);
            }
            else gate = new PassThroughGate();

            controller = files.Factory.Create(new ControllerContext
            {
                Model = files.Model, Robot = spec, Task = TaskResolver.Resolve(files.Model.Card, logger),
                SafetyPredictor = predictor, Options = controllerOptions, Time = time, Logger = logger,
            });
            var loop = new ControlLoop(driver, spec, controller, gate, options.Loop, time, logger);
            return new MpcController(files, controller, predictor, gate, loop);
        }
        catch
        {
            controller?.Dispose();
            (predictor as IDisposable)?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Controller.Dispose();
        (_predictor as IDisposable)?.Dispose();
    }
}
