using System.Globalization;
using System.Numerics;

namespace FlowLogForwarder.Configuration;

/// <summary>A whole-number setting: its environment variable, its default and the range it accepts, written once.</summary>
/// <typeparam name="T">The number's type (<see cref="int"/> or <see cref="long"/>).</typeparam>
public sealed record NumberSetting<T>(string Variable, T Default, T Min, T Max) where T : struct, IBinaryInteger<T>
{
    /// <summary>The default when <paramref name="text"/> is null, else its value.</summary>
    /// <exception cref="ConfigurationException">The text is not a whole number in range; the message names <see cref="Variable"/>.</exception>
    public T Parse(string? text)
    {
        if (text is null)
        {
            return Default;
        }
        if (!T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < Min || value > Max)
        {
            throw new ConfigurationException(Variable, $"'{text}' is not a whole number from {Min} to {Max}");
        }
        return value;
    }
}
