namespace Robotics.Trainer.Tests.Cli;

/// <summary>Synchronous progress sink for tests.</summary>
internal sealed class SyncProgressForTests<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
