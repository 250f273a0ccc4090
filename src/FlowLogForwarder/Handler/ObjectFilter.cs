using FlowLogForwarder.Lambda.Events;

namespace FlowLogForwarder.Lambda.Handler;

/// <summary>Decides which named objects are flow logs to forward; the rest are skipped with a reason, never retried.</summary>
public static class ObjectFilter
{
    /// <summary>The reason to skip <paramref name="reference"/>, or null to forward it.</summary>
    public static string? SkipReason(ObjectReference reference) => reference switch
    {
        { Key: var key } when key.EndsWith('/') => "a folder marker, not an object",
        { Size: 0 } => "an empty (zero-byte) object",
        { Key: var key } when key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) => "a Parquet flow log; only the text format is supported",
        { Key: var key } when !key.Contains("vpcflowlogs", StringComparison.Ordinal) => "not a VPC flow log key (no 'vpcflowlogs' in it)",
        _ => null,
    };
}
