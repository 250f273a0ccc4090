using FlowLogForwarder.Events;

namespace FlowLogForwarder.Handling;

/// <summary>Decides which named objects are flow logs to forward; the rest are skipped with a reason, never retried.</summary>
public static class ObjectFilter
{
    /// <summary>The reason to skip <paramref name="reference"/>, or null to forward it.</summary>
    /// <param name="reference">The object an event named.</param>
    /// <param name="allowedBuckets">Buckets that may be read; empty allows any.</param>
    /// <param name="maxObjectBytes">Largest object read, by the event's size field.</param>
    public static string? SkipReason(ObjectReference reference, IReadOnlySet<string> allowedBuckets, long maxObjectBytes) => reference switch
    {
        { Bucket: var bucket } when allowedBuckets.Count > 0 && !allowedBuckets.Contains(bucket) =>
            $"bucket '{bucket}' is not in FLOWLOG_ALLOWED_BUCKETS",
        { Size: > 0 and var size } when size > maxObjectBytes =>
            $"the event says the object has {size} bytes, over FLOWLOG_MAX_OBJECT_BYTES ({maxObjectBytes})",
        { Key: var key } when key.EndsWith('/') => "a folder marker, not an object",
        { Size: 0 } => "an empty (zero-byte) object",
        { Key: var key } when key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) => "a Parquet flow log; only the text format is supported",
        { Key: var key } when !key.Contains("vpcflowlogs", StringComparison.Ordinal) => "not a VPC flow log key (no 'vpcflowlogs' in it)",
        _ => null,
    };
}
