using Amazon;
using Amazon.Runtime;

namespace FlowLogForwarder.Configuration;

/// <summary>
/// Where the forwarder's AWS clients (S3, SSM, SQS) go. One region rule for all of them: <c>AWS_REGION</c> when set
/// (Lambda always sets it), else the SDK's default chain. The service URLs point one client at another endpoint, such as
/// a local S3 for tests. Credentials always come from the SDK's default chain.
/// </summary>
public sealed record AwsOptions
{
    /// <summary>The region variable Lambda sets in every function's environment.</summary>
    public const string RegionVariable = "AWS_REGION";

    /// <summary><c>AWS_REGION</c>; null leaves the region to the SDK's default chain.</summary>
    public string? Region { get; init; }

    /// <summary><c>FLOWLOG_S3_SERVICE_URL</c>: another S3 endpoint, addressed path-style; null for AWS.</summary>
    public Uri? S3ServiceUrl { get; init; }

    /// <summary><c>FLOWLOG_SSM_SERVICE_URL</c>: another SSM endpoint; null for AWS.</summary>
    public Uri? SsmServiceUrl { get; init; }

    /// <summary><c>FLOWLOG_SQS_SERVICE_URL</c>: another SQS endpoint (the CLI's <c>replay</c>); null for AWS.</summary>
    public Uri? SqsServiceUrl { get; init; }

    /// <summary>Reads the region and the service URLs; an empty variable counts as absent.</summary>
    /// <exception cref="ConfigurationException">A service URL is not an absolute http(s) URL; the message names its variable.</exception>
    public static AwsOptions Load(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        return new AwsOptions
        {
            Region = Get(RegionVariable),
            S3ServiceUrl = ParseUrl(ForwarderOptions.Variables.S3ServiceUrl, Get(ForwarderOptions.Variables.S3ServiceUrl)),
            SsmServiceUrl = ParseUrl(ForwarderOptions.Variables.SsmServiceUrl, Get(ForwarderOptions.Variables.SsmServiceUrl)),
            SqsServiceUrl = ParseUrl(ForwarderOptions.Variables.SqsServiceUrl, Get(ForwarderOptions.Variables.SqsServiceUrl)),
        };
    }

    /// <summary>Applies the region rule and <paramref name="serviceUrl"/> (when given) to an SDK client's configuration.</summary>
    /// <returns><paramref name="config"/>, for chaining into the client's constructor.</returns>
    public T Configure<T>(T config, Uri? serviceUrl) where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
        }
        return config;
    }

    private static Uri? ParseUrl(string variable, string? text) =>
        text is null ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri
        : throw new ConfigurationException(variable, $"'{text}' is not an absolute http(s) URL");
}
