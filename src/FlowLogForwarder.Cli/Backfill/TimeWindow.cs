using System.Globalization;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>The inclusive time window of <c>--from</c>/<c>--to</c>; either end may be open.</summary>
internal sealed record TimeWindow(DateTimeOffset? From, DateTimeOffset? To)
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK",
    ];

    /// <summary>A window with no bounds.</summary>
    public static readonly TimeWindow Any = new(null, null);

    /// <summary>Parses one end: <c>YYYY-MM-DD</c> (the whole day: its first instant for <c>--from</c>, its last for
    /// <c>--to</c>) or an ISO 8601 timestamp (UTC unless it names an offset). Null when the text is neither.</summary>
    public static DateTimeOffset? ParseBound(string text, bool end)
    {
        const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, Utc, out var day))
        {
            return end ? day.AddDays(1).AddTicks(-1) : day;
        }
        return DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, Utc, out var instant) ? instant : null;
    }

    /// <summary>Whether an object whose key says <paramref name="key"/> falls in the window: by the file name's timestamp
    /// when it has one, else by the date path's day (or hour) overlapping the window. A key with neither is in an open
    /// window only.</summary>
    public bool Contains(FlowLogKey key)
    {
        if (From is null && To is null)
        {
            return true;
        }
        if (key.FileTime is { } time)
        {
            return (From is null || time >= From) && (To is null || time <= To);
        }
        if (key.PathStart is { } start)
        {
            var last = start + key.PathSpan - TimeSpan.FromTicks(1);
            return (From is null || last >= From) && (To is null || start <= To);
        }
        return false;
    }
}
