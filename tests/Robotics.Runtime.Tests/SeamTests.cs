using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Cli;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Tasks;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Planning;
using Robotics.Runtime.Planning.Costs;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Runtime.Tests.Plugins;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

/// <summary>The deployment seams of issue 11: plug-in kinds, card formats, deployment files, gate feedback, the ungated-hardware guard.</summary>
[Collection("console")]
public class SeamTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    // A gain large enough that the policy asks for more torque than the robot takes: the gate clamps.
    private static readonly float[] Gains = [0f, -12f, -3f];

    private static (int Code, string Out, string Err) Cli(Command verb, params string[] args)
    {
        var err = new StringWriter();
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(new RootCommand { verb }, args), "", err.ToString()); }
        finally { Console.SetError(old); }
    }

    private static (int Code, string Out, string Err) Run(RobotConnect connect, ControllerRegistry registry, params string[] args)
    {
        var output = new StringWriter();
        var r = Cli(RunCommand.Create(connect, TimeProvider.System, output, registry), ["run", .. args]);
        return (r.Code, output.ToString(), r.Err);
    }

    [Fact]
    public void Run_DrivesANewControllerKind_AgainstSimPendulum_BehindTheGateWithAnEnsembleBesideIt()
    {
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        var r = Run(RobotConnector.Connect, LinearPolicyFactory.Registry(),
            "--model", policy, "--safety-model", ShippedModel.Locate(), "--robot", "sim:pendulum", "--realtime", "false", "--episodes", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("kind test-linear-policy", r.Out);
        Assert.Contains("test linear policy (graph 'policy', 3 -> 1)", r.Out);
        Assert.Contains("with ensemble 'pendulum.onnx'", r.Out);        // the uncertainty veto guards the policy too
        Assert.Contains("over 200 robot steps; answered 200 (100.0%), missed 0", r.Out);
        Assert.Matches(@"safety: 200 commands: ok \d+, clamped [1-9]\d*", r.Out);
    }

    [Fact]
    public async Task Run_DrivesANewControllerKind_OverMqttInRealTime_WithTheGateOn()
    {
        await using var rig = await VirtualPendulumRig.StartAsync("pendulum", "seam", 3, 0, TimeProvider.System, NullLogger.Instance);
        rig.StartRobot(lockstep: false);
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        var r = Run(RobotConnector.Connect, LinearPolicyFactory.Registry(),
            "--model", policy, "--safety-model", ShippedModel.Locate(), "--robot", rig.RobotUri, "--episodes", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("kind test-linear-policy", r.Out);
        Assert.Contains("real time, acting on each state", r.Out);
        Assert.Matches(@"episode 0.*: return -?\d+\.\d over \d+ robot steps; answered \d+ \((9[5-9]|100)\.\d%\)", r.Out);
        Assert.Matches(@"safety: \d+ commands: ok \d+, clamped [1-9]\d*", r.Out);
    }

    [Fact]
    public void Info_ShowsTheNewKindAndWhatGuardsIt()
    {
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        var output = new StringWriter();
        var r = Cli(InfoCommand.Create(output, LinearPolicyFactory.Registry()), "info", policy, "--safety-model", ShippedModel.Locate());
        string text = output.ToString();
        Assert.True(r.Code == 0, text + r.Err);
        Assert.Contains("card: format 2, kind test-linear-policy, algo test, env pendulum", text);
        Assert.Contains("controller: test linear policy", text);
        Assert.Contains("the uncertainty veto with 'pendulum.onnx'", text);

        var alone = new StringWriter();
        Assert.Equal(0, Cli(InfoCommand.Create(alone, LinearPolicyFactory.Registry()), "info", policy).Code);
        Assert.Contains("no safety predictor: state limits and the uncertainty veto are off", alone.ToString());
    }

    /// <summary>The model shipped before issue 19 (format-1 card, max-member-l2 graph), kept as a fixture for old-card reading.</summary>
    private static string Format1Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pendulum-format1.onnx");

    [Fact]
    public void Info_ReadsTheShippedModelsTotalStdCard()
    {
        var output = new StringWriter();
        Assert.Equal(0, Cli(InfoCommand.Create(output), "info", ShippedModel.Locate()).Code);
        Assert.Contains("disagreement total-std", output.ToString());
        Assert.Contains("veto threshold: ", output.ToString());
    }

    [Fact]
    public void Info_ReadsTheShippedFormat1Card_AsFormat2()
    {
        var output = new StringWriter();
        Assert.Equal(0, Cli(InfoCommand.Create(output), "info", Format1Model).Code);
        string text = output.ToString();
        Assert.Contains("card: format 1 (read as format 2), kind ensemble-dynamics, algo pets", text);
        Assert.Contains("controller: ensemble MPC", text);
        Assert.Contains("task: pendulum from the task library", text);
    }

    [Fact]
    public void Cards_OfFormat1And2_BothLoad_AndFormat2RoundTrips()
    {
        ModelFile shipped = ModelFile.Read(Format1Model);
        Assert.Equal(1, shipped.Card.StoredFormatVersion);
        Assert.Equal(ModelKinds.EnsembleDynamics, shipped.Card.Kind);
        Assert.NotNull(shipped.Card.Ensemble);
        Assert.Equal(DisagreementMeasure.MaxMemberL2, shipped.Card.Ensemble.Measure);   // format 1 predates ensemble.disagreement
        Assert.True(shipped.Card.Uncertainty!.P99 > 0);
        Assert.Equal(ModelCard.ThisFile, shipped.Card.Graphs[GraphRoles.Step]);
        Assert.Equal("pendulum", shipped.Card.TaskCost!.Task);

        string json = shipped.Card.ToJson();
        Assert.Contains("\"format_version\":2", json);
        ModelCard again = ModelCard.FromJson(json);
        Assert.Equal(2, again.StoredFormatVersion);
        Assert.Equal(json, again.ToJson());

        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        Assert.Equal(LinearPolicyFactory.KindName, ModelFile.Read(policy).Card.Kind);
    }

    [Fact]
    public void Run_ExitsWith2BeforeAnyCommand_WhenNoControllerServesTheKind()
    {
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        var driver = new LockstepEnvDriver(new Pendulum(), 0);
        var r = Run((_, _, _, _, _) => driver, ControllerRegistry.CreateDefault(), "--model", policy, "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("model kind 'test-linear-policy' has no controller in this build (known: ", r.Err);
        Assert.Contains("ensemble-dynamics", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal(0, driver.Writes);
    }

    [Fact]
    public void Run_ExitsWith2BeforeAnyCommand_WhenTheDeploymentsFilesDisagreeOnThePeriod()
    {
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains);
        string ensemble = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard() with { ControlPeriodSeconds = 0.1 });
        var driver = new LockstepEnvDriver(new Pendulum(), 0);
        var r = Run((_, _, _, _, _) => driver, LinearPolicyFactory.Registry(), "--model", policy, "--safety-model", ensemble, "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("runs at 0.05 s but", r.Err);
        Assert.Contains("at 0.1 s", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal(0, driver.Writes);
    }

    [Fact]
    public void Run_ExitsWith2BeforeAnyCommand_WhenTheDeploymentsFilesDisagreeOnSpaces()
    {
        string policy = LinearPolicyFactory.Write(_dir.Path, Gains, c => c with { ActionSpace = new CardSpace(["torque"], [-1f], [1f]) });
        var driver = new LockstepEnvDriver(new Pendulum(), 0);
        var r = Run((_, _, _, _, _) => driver, LinearPolicyFactory.Registry(), "--model", policy, "--safety-model", ShippedModel.Locate(), "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("bounds", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal(0, driver.Writes);
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1883/r1")]
    [InlineData("serial:///dev/ttyUSB0?baud=115200")]
    public void Run_RefusesGatePassOnHardware_NamingTheFlagThatOverridesIt(string robot)
    {
        bool connected = false;
        var r = Run((_, _, _, _, _) => { connected = true; return new LockstepEnvDriver(new Pendulum(), 0); }, ControllerRegistry.CreateDefault(),
            "--model", ShippedModel.Locate(), "--robot", robot, "--gate", "pass");
        Assert.Equal(2, r.Code);
        Assert.Contains("--gate pass would send ungated commands to the hardware robot", r.Err);
        Assert.Contains("--allow-ungated-hardware-commands", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.False(connected);
    }

    [Fact]
    public void Run_AllowsGatePassOnTheSimulator()
    {
        var r = Run(RobotConnector.Connect, ControllerRegistry.CreateDefault(), "--model", ShippedModel.Locate(), "--gate", "pass",
            "--realtime", "false", "--episodes", "1", "--population", "20", "--iterations", "1", "--horizon", "5");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("gate PASS-THROUGH", r.Out);
    }

    [Fact]
    public async Task Planner_IsFedTheGatedAction_WhenTheGateClamps_AndDropsAVetoedPlan()
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0) { KeepCommands = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var budget = new PlannerBudget { Horizon = 8, Population = 32, Iterations = 2 };
        var planner = (MpcPlanner)PlannerFactory.Create(budget.OptionsFor(PlannerKind.Cem), new TruePendulumModel(32), spec.ActionSpace,
            new CostSettings { ActionRateWeight = 0.1f }.Build(new PendulumCost(), 3, 1), new Random(0));
        var gate = new ClampingVetoGate(0.05f, vetoEvery: 5);
        var loop = new ControlLoop(driver, spec, planner, gate, new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 500 }, new FakeTimeProvider());
        await loop.StartEpisodeAsync(default);
        int clamped = 0, vetoed = 0;
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(TickStatus.Commanded, loop.Tick());
            var (sent, decision) = driver.Commands[^1];
            // The action-rate cost's "last sent" is what went to the robot, not what the planner proposed.
            Assert.Equal(sent[0], planner.LastSent[0]);
            if (decision == SafetyDecision.Clamped)
            {
                clamped++;
                Assert.Equal(0.05f, Math.Abs(sent[0]), 6);
            }
            if (decision == SafetyDecision.Vetoed)
            {
                vetoed++;
                // The rejected plan is not warm-started from: the next plan holds the action sent.
                foreach (float a in planner.Plan) Assert.Equal(sent[0], a);
            }
        }
        Assert.True(clamped > 10, $"only {clamped} clamped commands");
        Assert.Equal(8, vetoed);
    }

    [Fact]
    public async Task Controller_IsToldWhatTheGateSent_EveryTick()
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0) { KeepCommands = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var policy = new PdPolicy();
        var loop = new ControlLoop(driver, spec, policy, new ClampingVetoGate(0.3f, 0), new ControlLoopOptions { Realtime = false }, new FakeTimeProvider());
        var report = await loop.RunEpisodeAsync(0, null, default);
        Assert.Equal(200, policy.Observed);
        Assert.Equal(driver.Commands[^1].Action[0], policy.LastSent);
        Assert.Equal(driver.Commands[^1].Safety, policy.LastDecision);
        Assert.True(report.Interventions > 0);
    }
}
