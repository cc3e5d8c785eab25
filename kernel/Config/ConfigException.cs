namespace Berth.Kernel.Config;

/// <summary>A configuration error; berthd prints the message and exits non-zero.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }
    public ConfigException() { }
    public ConfigException(string message, Exception inner) : base(message, inner) { }
}
