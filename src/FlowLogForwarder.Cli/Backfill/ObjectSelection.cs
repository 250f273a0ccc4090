using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>Which listed objects a backfill takes: the function's own filter (<see cref="ObjectFilter"/>), then the
/// time window and the <c>--account</c>, <c>--region</c> and <c>--flow-log-id</c> filters, read from the key.</summary>
internal sealed record ObjectSelection(TimeWindow Window, IReadOnlySet<string> Accounts, IReadOnlySet<string> Regions, IReadOnlySet<string> FlowLogIds)
{
    /// <summary>Null when the backfill takes <paramref name="reference"/>, else why not.</summary>
    public string? SkipReason(ObjectReference reference, ForwardingPolicy policy)
    {
        if (ObjectFilter.SkipReason(reference, policy) is { } reason)
        {
            return reason;
        }
        var key = FlowLogKey.Parse(reference.Key);
        return !Window.Contains(key) ? "outside --from/--to"
            : !Matches(Accounts, key.Account) ? "another account"
            : !Matches(Regions, key.Region) ? "another region"
            : !Matches(FlowLogIds, key.FlowLogId) ? "another flow log"
            : null;
    }

    private static bool Matches(IReadOnlySet<string> wanted, string? value) => wanted.Count == 0 || (value is not null && wanted.Contains(value));
}
