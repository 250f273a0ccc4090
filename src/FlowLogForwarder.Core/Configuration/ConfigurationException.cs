namespace FlowLogForwarder.Configuration;

/// <summary>A configuration value is missing or invalid; the message names the environment variable.</summary>
public sealed class ConfigurationException(string variable, string message) : Exception($"{variable}: {message}")
{
    /// <summary>The environment variable at fault.</summary>
    public string Variable { get; } = variable;
}
