using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Handling;

/// <summary>The operator's rules for the objects an event names: which may be read, whose buckets, and where progress is kept.</summary>
public sealed record ForwardingPolicy
{
    /// <summary>Buckets whose objects may be read; empty allows any.</summary>
    public IReadOnlySet<string> AllowedBuckets { get; init; } = new HashSet<string>();

    /// <summary>Largest object read, by the event's size field.</summary>
    public long MaxObjectBytes { get; init; } = long.MaxValue;

    /// <summary>The S3 tag key that records this destination's progress on each object; null forwards every object whole.</summary>
    public string? ProgressTag { get; init; }

    /// <summary>The account that must own each bucket read, or null for any.</summary>
    public ExpectedBucketOwners? ExpectedBucketOwners { get; init; }

    /// <summary>The policy the configuration describes (the Lambda function and the CLI's replay share it).</summary>
    public static ForwardingPolicy From(ForwarderOptions options) => new()
    {
        AllowedBuckets = options.AllowedBuckets,
        MaxObjectBytes = options.MaxObjectBytes,
        ProgressTag = options.Resume ? options.ProgressTag : null,
        ExpectedBucketOwners = options.ExpectedBucketOwners,
    };
}
