using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.CommandLine.Parsing;
using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Cli.Commands;

/// <summary>Option shapes more than one command uses, built the same way each time.</summary>
internal static class CliOptions
{
    /// <summary>A whole-number option with a default and a range; a value outside it is a usage error naming the option.</summary>
    public static Option<T> Number<T>(string name, string helpName, string description, T defaultValue, T min, T max)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
        // A custom parser rather than a validator: it reports a non-number and an out-of-range number the same way.
        CustomParser = result =>
        {
            var text = result.Tokens[^1].Value;
            if (T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }
            result.AddError(max == T.MaxValue
                ? $"{name} takes a whole number of at least {min}, not '{text}'"
                : $"{name} takes a whole number from {min} to {max}, not '{text}'");
            return defaultValue;
        },
    };

    /// <summary>An option that takes one of <paramref name="values"/> (any case, answered lower-cased); another value is
    /// a usage error naming the option and the values it takes.</summary>
    public static Option<string> Choice(string name, string helpName, string description, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (Array.Find(values, v => v.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } value)
                {
                    return value;
                }
                result.AddError($"{name} takes {string.Join(", ", values[..^1])}{(values.Length > 1 ? " or " : "")}{values[^1]}, not '{text}'");
                return null;
            },
        };
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary><c>--format</c>: the layout of records without a header line, overriding <c>FLOWLOG_FORMAT</c> for one run.</summary>
    public static Option<string> Format() => new("--format")
    {
        Description = $"The flow log's format as its LogFormat shows it ('${{version}} ${{account-id}} ...'), for files without a header line " +
                      $"and CloudWatch Logs events; overrides {ForwarderOptions.Variables.Format} (default: AWS's default format)",
        HelpName = "FORMAT",
    };

    /// <summary>A validator for arguments that take any text (file names): a value that looks like an option is a
    /// misspelt or unknown option, which the parser would otherwise take for a file name (give a file named so as ./-name).</summary>
    public static void RefuseOptionLikeValues(SymbolResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-')
            {
                result.AddError($"Unrecognized option '{token.Value}'.");
            }
        }
    }
}

/// <summary><c>--endpoint</c>, <c>--allow-http</c> and <c>--format</c>, for the commands that send; they become explicit
/// <see cref="ConfigurationOverrides"/>, never environment variables.</summary>
internal sealed class SendingOptions
{
    private readonly Option<string> _endpoint = new("--endpoint")
    {
        Description = $"The SigNoz logs URL, e.g. https://ingest.us.signoz.cloud:443/logs/json; overrides {ForwarderOptions.Variables.Endpoint}",
        HelpName = "URL",
    };

    private readonly Option<bool> _allowHttp = new("--allow-http")
    {
        Description = $"Allow an http:// endpoint (a self-hosted collector on a private network), as {ForwarderOptions.Variables.AllowHttp}=true does",
    };

    private readonly Option<string> _format = CliOptions.Format();

    /// <summary>Whether <c>--endpoint</c> was given on the command line.</summary>
    public bool EndpointGiven(CommandResult result) => result.GetResult(_endpoint) is { Implicit: false };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_endpoint);
        command.Options.Add(_allowHttp);
        command.Options.Add(_format);
    }

    /// <summary>Refuses SIGNOZ_INGESTION_KEY_PARAMETER for a command that sends from this machine: only the function reads SSM.</summary>
    public static void RefuseKeyParameter(ForwarderOptions options)
    {
        if (options.IngestionKeyParameter is not null)
        {
            throw new ConfigurationException(ForwarderOptions.Variables.IngestionKeyParameter,
                $"is read by the Lambda function only; set {ForwarderOptions.Variables.IngestionKey} for the CLI");
        }
    }

    /// <summary>The environment's settings with the command line's on top; <paramref name="requireEndpoint"/> false for
    /// a run that sends nothing from here (a dry run, or a backfill through the function's queue).</summary>
    public ForwarderOptions Load(ParseResult parseResult, bool requireEndpoint = true) => ForwarderOptions.Load(Environment.GetEnvironmentVariable,
        new ConfigurationOverrides
        {
            Endpoint = parseResult.GetValue(_endpoint),
            AllowHttp = parseResult.GetValue(_allowHttp),
            Format = parseResult.GetValue(_format),
        }, requireEndpoint);
}
