namespace FlowLogForwarder.Mapping;

/// <summary>The resource attributes every record of an object carries, in the order both encodings write them.</summary>
internal static class ResourceAttributes
{
    /// <summary>The attributes; the record's own account and region, when its format has them, win over the key's.</summary>
    public static IEnumerable<(string Key, string Value)> Of(FlowLogSource source, string serviceName, string? recordAccount, string? recordRegion)
    {
        yield return ("cloud.provider", "aws");
        yield return ("cloud.platform", "aws_vpc");
        if ((recordAccount ?? source.AccountId) is { } account)
        {
            yield return ("cloud.account.id", account);
        }
        if ((recordRegion ?? source.Region) is { } region)
        {
            yield return ("cloud.region", region);
        }
        yield return ("service.name", serviceName);
        if (source.LogGroup is { } group)
        {
            // The collector's names (semantic conventions' aws.log.*), one value each: a delivery has one group and stream.
            yield return ("aws.log.group.names", group);
            yield return ("aws.log.stream.names", source.LogStream ?? "");
            yield break;
        }
        if (source.Bucket is { } bucket)
        {
            yield return ("aws.s3.bucket", bucket);
        }
        yield return ("aws.s3.key", source.Key);
    }
}
