namespace Robotics.Sim.Mujoco;

/// <summary>
/// A MuJoCo failure as one line: a model that does not compile (naming its file), a library that does not
/// load (naming it), or an error MuJoCo raised inside a call. Never a process exit: the shim's error handler
/// replaces MuJoCo's default, which calls exit().
/// </summary>
public sealed class MujocoException(string message, Exception? inner = null) : Exception(message, inner);
