using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Safety;
using Robotics.Safety.Checks;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Loop;

/// <summary>
/// The deployment path in one object: the ONNX world model checked against the robot, a planner over it
/// with the environment's analytic cost when the env id is known (else the learned reward), the gate, and
/// the control loop. Everything is loaded and validated in <see cref="Create"/>, before any command.
/// </summary>
public sealed class MpcController : IDisposable
{
    private readonly OnnxWorldModel _plannerModel;
    private readonly OnnxWorldModel? _gateModel;
    private OnnxRolloutModel? _rollout;

    private MpcController(OnnxWorldModel plannerModel, OnnxWorldModel? gateModel, IPlanner planner, ICommandGate gate, ControlLoop loop)
    {
        _plannerModel = plannerModel; _gateModel = gateModel; Planner = planner; Gate = gate; Loop = loop;
    }

    public ModelCard Card => _plannerModel.Card;
    public string Provider => _plannerModel.Provider;
    public IPlanner Planner { get; }
    public ICommandGate Gate { get; }
    /// <summary>The safety gate when <see cref="GateKind.Safety"/> was chosen (for its counters), else null.</summary>
    public SafetyGate? SafetyGate => Gate as SafetyGate;
    public ControlLoop Loop { get; }

    /// <summary>
    /// Not real-time. Another loop with this controller's planner and gate, e.g. on a second robot used for
    /// evaluation. Loops sharing a planner must not run at the same time.
    /// </summary>
    public ControlLoop NewLoop(IRobotDriver driver, RobotSpec spec, ControlLoopOptions options, TimeProvider time) =>
        new(driver, spec, Planner, Gate, options, time);

    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (bad file
    /// or card) or <see cref="ModelCardMismatchException"/> before the robot is sent anything.
    /// </summary>
    public static MpcController Create(string modelPath, IRobotDriver driver, RobotSpec spec, MpcControllerOptions options,
                                       TimeProvider time, ILogger? logger = null, EStopLatch? estop = null)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        PlannerOptions plannerOptions = options.Budget.OptionsFor(options.Planner);
        var plannerModel = OnnxWorldModel.Load(modelPath, spec, new WorldModelOptions
        {
            MaxBatch = plannerOptions.MaxBatch, IntraOpThreads = options.PlannerThreads, Provider = options.Provider,
        }, logger);
        OnnxWorldModel? gateModel = null;
        OnnxRolloutModel? rollout = null;
        try
        {
            IAnalyticCost? analytic = EnvironmentRegistry.Exists(plannerModel.Card.EnvId)
                ? EnvironmentRegistry.Create(plannerModel.Card.EnvId).Cost : null;
            var costs = options.Costs.Build(analytic, plannerModel.ObsDim, plannerModel.ActDim);
            var planner = PlannerFactory.Create(plannerOptions, plannerModel, spec.ActionSpace, costs, new Random(options.Seed));
            if (options.FusedRollout && plannerOptions.Particles == ParticleMode.Average && planner is MpcPlanner mpc)
            {
                rollout = RolloutModelFactory.TryCreate(modelPath, plannerModel.Card, plannerOptions.Horizon, options.Costs, analytic,
                    new WorldModelOptions { MaxBatch = plannerOptions.MaxBatch, IntraOpThreads = options.PlannerThreads, Provider = options.Provider }, logger);
                if (rollout is not null) mpc.UseFusedRollout(rollout);
            }

            ICommandGate gate;
            if (options.Gate == GateKind.Safety)
            {
                var gateOptions = options.SafetyOptions ?? new SafetyGateOptions
                {
                    // Lock-step robots wait for us, so a slow plan does not make their state stale.
                    Staleness = options.Loop.Realtime ? null : new StalenessOptions(TimeSpan.FromSeconds(30)),
                };
                gateModel = OnnxWorldModel.Load(modelPath, spec, new WorldModelOptions
                {
                    MaxBatch = gateOptions.MaxCandidates + 1, IntraOpThreads = 1, Provider = options.Provider,
                }, logger);
                gate = SafetyGate.Create(spec, gateModel, gateOptions, estop, time, logger);
            }
            else gate = new PassThroughGate();

            var loop = new ControlLoop(driver, spec, planner, gate, options.Loop, time, logger);
            return new MpcController(plannerModel, gateModel, planner, gate, loop) { _rollout = rollout };
        }
        catch
        {
            rollout?.Dispose();
            plannerModel.Dispose();
            gateModel?.Dispose();
            throw;
        }
    }

    /// <summary>True when the planner scores with the fused rollout graph.</summary>
    public bool Fused => _rollout is not null;

    public void Dispose()
    {
        _rollout?.Dispose();
        _plannerModel.Dispose();
        _gateModel?.Dispose();
    }
}
