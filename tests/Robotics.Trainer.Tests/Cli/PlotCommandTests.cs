using Robotics.Trainer.Reports;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Cli;

public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-train-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Csv(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, body);
        return path;
    }

    [Fact]
    public void Plot_DrawsEveryRunOnOnePng()
    {
        string a = Csv("pets.csv", "iteration,env_steps,eval_return_mean,eval_return_std\n1,400,-886.1,2.5\n2,800,-150.2,10\n");
        string b = Csv("tdmpc2.csv", "iteration,env_steps,eval_return_mean,eval_return_std\n1,1000,-572.2,621.3\n");
        string png = Path.Combine(_dir, "curves.png");

        var r = TrainerCli.Run(["plot", a, b, "--out", png, "--target", "-200"]);

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("2 curves, 3 points", r.Stdout);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [Fact]
    public void Read_ScalesEnvSteps_ForAnActionRepeat()
    {
        string a = Csv("mj.csv", "iteration,env_steps,eval_return_mean,eval_return_std\n1,250,73.9,0\n2,375,52.3,0\n");
        var c = CurvePlot.Read(a, "mj", stepScale: 8);
        Assert.Equal([2000.0, 3000.0], c.EnvSteps);
        Assert.Equal([73.9, 52.3], c.Return);
    }

    [Theory]
    [InlineData("epoch,train_nll\n1,0.5\n", "needs columns env_steps and eval_return_mean")]
    [InlineData("iteration,env_steps,eval_return_mean\n1,x,3\n", "line 2 is not a row of numbers")]
    [InlineData("iteration,env_steps,eval_return_mean\n", "no rows after the header")]
    public void Plot_ExitsWith2AndOneLine_OnABadCsv(string body, string expected)
    {
        string a = Csv("bad.csv", body);
        var r = TrainerCli.Run(["plot", a, "--out", Path.Combine(_dir, "x.png")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
