using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Core.Robots;
using Robotics.Runtime.Benchmarks;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Controllers.Policy;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Session;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Drivers;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Policy;

/// <summary>A policy deployment (policy.onnx with its ensemble beside it) runs through the registry, the session and the gate.</summary>
[Collection("console")]
public sealed class PolicyDeploymentTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private string Deployment(double vetoQuantile = 0.9) =>
        PolicyBenchmark.WriteRandomDeployment(_dir.Path, new Pendulum(0), hidden: 32, seed: 3, NullLogger.Instance, vetoQuantile);

    [Fact]
    public async Task PolicyFile_DeploysWithItsEnsembleAsTheGatesPredictor()
    {
        var time = TimeProvider.System;
        await using var robot = new SimDriver(new Pendulum(0), "policy-test", time, SimDriver.SequentialSeeds(7));
        var spec = await robot.ConfigureAsync(CancellationToken.None);
        await robot.ActivateAsync(CancellationToken.None);
        await using var session = RobotSession.Attach(new SessionOptions
        {
            ModelPath = Deployment(), Robot = "sim:pendulum", Realtime = false, MaxEpisodeSteps = 50,
            Gate = GateKind.Safety, Controller = new ControllerOptions { Threads = 1 },
        }, new SessionServices { Time = time }, robot, spec);
        Deployment d = session.Build();
        Assert.IsType<PolicyController>(d.Controller);
        Assert.NotNull(d.Predictor);
        Assert.Equal(5, Assert.IsType<OnnxWorldModel>(d.Predictor).Members);
        var report = (await session.RunEpisodeAsync(0, CancellationToken.None)).Report;
        Assert.Equal(50, report.Steps);
        Assert.True(double.IsFinite(report.Return));
    }

    [Fact]
    public async Task PolicyTick_WithTheEnsembleVeto_AllocatesZeroBytes()
    {
        string path = Deployment(vetoQuantile: 0.05); // most ticks vetoed: the candidates' batch runs too
        var driver = new LockstepEnvDriver(new Pendulum(), 0) { Endless = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var files = DeploymentFiles.Resolve(path, null, spec, ControllerRegistry.CreateDefault());
        var options = new ControllerOptions { Threads = 1 };
        var gateOptions = new SafetyGateOptions();
        using var predictor = (OnnxWorldModel)files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
        {
            Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1, Options = options, Logger = NullLogger.Instance,
        })!;
        var time = new FakeTimeProvider();
        using var controller = files.Factory.Create(new ControllerContext
        {
            Model = files.Model, Robot = spec, SafetyPredictor = predictor, Options = options, Time = time, Logger = NullLogger.Instance,
        });
        var gate = SafetyGate.Create(spec, predictor, gateOptions, timeProvider: time);
        var loop = new ControlLoop(driver, spec, controller, gate, new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 5_000 }, time);
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 100; i++) Assert.Equal(TickStatus.Commanded, loop.Tick());

        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        long allocated = SteadyStateAllocation.Bytes(window);

        Assert.Equal(0, allocated);
        var counts = gate.Snapshot();
        Assert.True(counts[SafetyDecision.Vetoed] + counts[SafetyDecision.Fallback] > 100, counts.ToString());
    }

    [Fact]
    public void Candidates_ArePerturbationsOfTheAction_InsideTheBox()
    {
        var files = DeploymentFiles.Resolve(Deployment(), null, null, ControllerRegistry.CreateDefault());
        var env = new Pendulum(0);
        var spec = env.ToSpec("t");
        using var policy = OnnxPolicy.Load(files.Model, 1, new WorldModelOptions { MaxBatch = 1, IntraOpThreads = 1 }, NullLogger.Instance);
        using var c = new PolicyController(policy, spec.ActionSpace, spec.SafeAction);
        var action = new float[1];
        c.Act([0.3f, -0.95f, 1.5f], action);
        float[] cand = c.Candidates.ToArray();
        Assert.Equal(3, cand.Length);
        float step = PolicyController.PerturbationFraction * 2f;
        Assert.Equal(Math.Clamp(action[0] + step, -2f, 2f), cand[0], 5);
        Assert.Equal(Math.Clamp(action[0] - step, -2f, 2f), cand[1], 5);
        Assert.Equal(0.5f * action[0], cand[2], 5);
        Assert.All(cand, x => Assert.InRange(x, -2f, 2f));
    }

    [Fact]
    public void Run_ExitsWith2AndSendsNothing_WhenThePolicyGraphHasTheWrongActionDimension()
    {
        // The card says pendulum (1 action), the graph was built for 2 actions.
        string path = Deployment();
        var card = ModelFile.Read(path).Card;
        var wrong = new PolicyParameters
        {
            ObsDim = 3, ActDim = 2, LayerSizes = [3, 4, 4], Weights = [new float[12], new float[16]], Biases = [new float[4], new float[4]],
            ObsMean = new float[3], ObsStd = [1f, 1f, 1f], ActionLow = [-2f, -2f], ActionHigh = [2f, 2f],
        };
        PolicyGraph.Build(wrong, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }).Save(path);

        var driver = new LockstepEnvDriver(new Pendulum(), 0) { KeepCommands = true };
        var err = new StringWriter();
        var root = new RootCommand { RunCommand.Create((_, _, _, _, _) => driver, new FakeTimeProvider(), new StringWriter()) };
        TextWriter old = Console.Error;
        Console.SetError(err);
        int code;
        try { code = CliApp.Run(root, ["run", "--model", path, "--realtime", "false"]); }
        finally { Console.SetError(old); }

        Assert.Equal(2, code);
        Assert.Contains("policy graph 'action' is [-1, 2], the card's action space needs [N, 1]", err.ToString());
        Assert.Single(err.ToString().Trim().Split('\n'));
        Assert.Equal(0, driver.Writes);
    }
}
