using System.Text;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>
/// A writer's encoded resource for one object: built from the source alone at the start, and again only when a record's
/// <c>account-id</c> or <c>region</c> (a format carrying them may change them mid-object; in practice they never do)
/// differs from the record before. The encoding is the writer's own (<paramref name="build"/>).
/// </summary>
internal sealed class RecordResource(Func<string?, string?, byte[]> build)
{
    private byte[] _account = [];
    private byte[] _region = [];

    /// <summary>The resource of the records written last; a new array whenever it changes.</summary>
    public byte[]? Current { get; private set; }

    /// <summary>Starts an object: the resource of its source, with no record's account or region yet.</summary>
    public void Begin()
    {
        Current = build(null, null);
        _account = [];
        _region = [];
    }

    /// <summary>The resource for <paramref name="record"/>, rebuilt when its account or region differs from the last.</summary>
    public byte[] For(in FlowRecord record, in SpecialColumns columns)
    {
        if (columns.Account < 0 && columns.Region < 0 && Current is { } unchanged)
        {
            return unchanged;
        }
        var account = columns.Account >= 0 && !record.IsAbsent(columns.Account) ? record.Raw(columns.Account) : default;
        var region = columns.Region >= 0 && !record.IsAbsent(columns.Region) ? record.Raw(columns.Region) : default;
        if (Current is null || !account.SequenceEqual(_account) || !region.SequenceEqual(_region))
        {
            _account = account.ToArray();
            _region = region.ToArray();
            Current = build(account.IsEmpty ? null : Encoding.UTF8.GetString(account), region.IsEmpty ? null : Encoding.UTF8.GetString(region));
        }
        return Current;
    }
}
