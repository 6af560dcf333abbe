namespace Robotics.Runtime.Loop;

/// <summary>
/// The controller (or the gate) threw on too many ticks in a row for the run to go on. Every one of those ticks
/// was answered with the safe action; the message is one line naming the last error.
/// </summary>
public sealed class ControlFaultException(string message, Exception inner) : Exception(message, inner);
