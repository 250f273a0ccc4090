using FlowLogForwarder.Events;

namespace FlowLogForwarder.Handling;

/// <summary>Decides which named objects are flow logs to forward; the rest are skipped with a reason, never retried.</summary>
public static class ObjectFilter
{
    /// <summary>The reason to skip <paramref name="reference"/>, or null to forward it.</summary>
    /// <param name="reference">The object an event named.</param>
    /// <param name="policy">The allowed buckets and the size limit.</param>
    public static string? SkipReason(ObjectReference reference, ForwardingPolicy policy) => reference switch
    {
        { Bucket: var bucket } when policy.AllowedBuckets.Count > 0 && !policy.AllowedBuckets.Contains(bucket) =>
            $"bucket '{bucket}' is not in FLOWLOG_ALLOWED_BUCKETS",
        { Size: > 0 and var size } when size > policy.MaxObjectBytes =>
            $"the event says the object has {size} bytes, over FLOWLOG_MAX_OBJECT_BYTES ({policy.MaxObjectBytes})",
        { Key: var key } when key.EndsWith('/') => "a folder marker, not an object",
        { Size: 0 } => "an empty (zero-byte) object",
        { Key: var key } when !key.Contains("vpcflowlogs", StringComparison.Ordinal) => "not a VPC flow log key (no 'vpcflowlogs' in it)",
        _ => null,
    };
}
