namespace FlowLogForwarder.Mapping;

/// <summary>Where a flow log object came from: bucket and key, and the account and region its key names; or the
/// CloudWatch Logs log group and stream of a subscription delivery.</summary>
public sealed record FlowLogSource(string? Bucket, string Key, string? AccountId, string? Region)
{
    /// <summary>The log group a CloudWatch Logs delivery came from; null for an object.</summary>
    public string? LogGroup { get; init; }

    /// <summary>The log stream a CloudWatch Logs delivery came from; null for an object.</summary>
    public string? LogStream { get; init; }

    /// <summary>A CloudWatch Logs delivery of <paramref name="logGroup"/>/<paramref name="logStream"/> by account
    /// <paramref name="owner"/>; its key (the name in summaries) is <c>group:stream</c>.</summary>
    public static FlowLogSource FromLogStream(string? owner, string logGroup, string logStream) =>
        new(null, $"{logGroup}:{logStream}", owner is { Length: > 0 } && IsAccountId(owner) ? owner : null, null)
        {
            LogGroup = logGroup,
            LogStream = logStream,
        };

    /// <summary>Reads account and region from a key such as
    /// <c>AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-1_20261122T1000Z_ab.log.gz</c>
    /// or its hive-style form (<c>aws-account-id=.../aws-service=vpcflowlogs/aws-region=.../</c>).</summary>
    public static FlowLogSource FromKey(string? bucket, string key)
    {
        string? account = null;
        string? region = null;
        var segments = key.Split('/');

        // The file name is the most specific: {account}_vpcflowlogs_{region}_{flow-log-id}_{time}_{hash}.log.gz
        var parts = segments[^1].Split('_');
        if (parts.Length >= 3 && parts[1] == "vpcflowlogs" && IsAccountId(parts[0]))
        {
            account = parts[0];
            region = parts[2];
        }

        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == "AWSLogs" && i + 3 < segments.Length && segments[i + 2] == "vpcflowlogs")
            {
                account ??= IsAccountId(segments[i + 1]) ? segments[i + 1] : null;
                region ??= segments[i + 3];
            }
            else if (segment.StartsWith("aws-account-id=", StringComparison.Ordinal))
            {
                account ??= segment["aws-account-id=".Length..];
            }
            else if (segment.StartsWith("aws-region=", StringComparison.Ordinal))
            {
                region ??= segment["aws-region=".Length..];
            }
        }

        return new FlowLogSource(bucket, key, string.IsNullOrEmpty(account) ? null : account, string.IsNullOrEmpty(region) ? null : region);
    }

    private static bool IsAccountId(string value) => value.Length == 12 && value.All(char.IsAsciiDigit);
}
