namespace Robotics.Drivers.Common;

/// <summary>Drivers that count what they saw (all of this assembly's). The runtime prints these at episode end.</summary>
public interface IDriverDiagnostics
{
    DriverCounters Counters { get; }
}
