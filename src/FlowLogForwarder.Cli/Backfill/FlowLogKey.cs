using System.Globalization;
using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// What a flow log object's key says about it, in both of AWS's S3 layouts:
/// <c>[prefix/]AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/]FILE</c> and the Hive-compatible
/// <c>[prefix/]AWSLogs/aws-account-id=ACCOUNT/aws-service=vpcflowlogs/aws-region=REGION/year=YYYY/month=MM/day=DD/[hour=HH/]FILE</c>,
/// where FILE is <c>ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHmmZ_HASH.log.gz</c>.
/// </summary>
/// <param name="Account">The account, read as the function reads it for the records' attributes (<see cref="FlowLogSource"/>).</param>
/// <param name="Region">The region, read likewise.</param>
/// <param name="FlowLogId">The flow log's id (<c>fl-...</c>), from the file name.</param>
/// <param name="PathStart">The start of the day (or hour) the date path names.</param>
/// <param name="PathSpan">One day, or one hour for per-hour partitions.</param>
/// <param name="FileTime">The timestamp in the file name.</param>
/// <param name="Hive">Whether the path uses Hive-compatible <c>name=value</c> folders.</param>
internal sealed record FlowLogKey(string? Account, string? Region, string? FlowLogId, DateTimeOffset? PathStart, TimeSpan PathSpan,
    DateTimeOffset? FileTime, bool Hive)
{
    private const string LogsRoot = "AWSLogs";

    /// <summary>The parts of <paramref name="key"/> it has; a key with none of them answers all null.</summary>
    public static FlowLogKey Parse(string key)
    {
        var source = FlowLogSource.FromKey(null, key);
        var segments = key.Split('/');
        var file = ParseFileName(segments[^1]);
        var root = segments.Length < 2 ? -1 : Array.LastIndexOf(segments, LogsRoot, segments.Length - 2);
        if (root < 0 || segments.Length - root < 5)
        {
            return new FlowLogKey(source.AccountId, source.Region, file.FlowLogId, null, TimeSpan.Zero, file.Time, Hive: false);
        }
        var hive = segments[root + 1].StartsWith("aws-account-id=", StringComparison.Ordinal);
        // The date folders sit between the region and the file name: year, month, day and an optional hour.
        var dateParts = segments[(root + 4)..^1];
        DateTimeOffset? start = null;
        var span = TimeSpan.Zero;
        if (dateParts.Length is 3 or 4
            && Number(dateParts[0], "year=") is { } year && Number(dateParts[1], "month=") is { } month && Number(dateParts[2], "day=") is { } day
            && year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            var hour = dateParts.Length == 4 ? Number(dateParts[3], "hour=") : 0;
            if (hour is >= 0 and <= 23)
            {
                start = new DateTimeOffset(year, month, day, hour.Value, 0, 0, TimeSpan.Zero);
                span = dateParts.Length == 4 ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
            }
        }
        return new FlowLogKey(source.AccountId, source.Region, file.FlowLogId, start, span, file.Time, hive);
    }

    private static (string? FlowLogId, DateTimeOffset? Time) ParseFileName(string name)
    {
        // ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHmmZ_HASH.log.gz (AWS writes no underscore inside a part).
        var parts = name.Split('_');
        if (parts.Length < 6 || parts[1] != "vpcflowlogs")
        {
            return (null, null);
        }
        DateTimeOffset? time = DateTimeOffset.TryParseExact(parts[4], "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
        return (parts[3], time);
    }

    private static string? Value(string segment, string hiveName) =>
        segment.StartsWith(hiveName, StringComparison.Ordinal) ? segment[hiveName.Length..]
        : segment.Contains('=', StringComparison.Ordinal) ? null
        : segment;

    private static int? Number(string segment, string hiveName) =>
        Value(segment, hiveName) is { Length: > 0 and <= 4 } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
