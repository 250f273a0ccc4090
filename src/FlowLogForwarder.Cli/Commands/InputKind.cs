using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Cli.Commands;

/// <summary>What a local file holds, told by its first bytes, never by its name.</summary>
internal enum InputKind
{
    /// <summary>Flow log text, gzip-compressed or plain, with or without a header line.</summary>
    Text,
    /// <summary>A saved CloudWatch Logs subscription delivery: the Lambda event (<c>{"awslogs":...}</c>) or its payload (<c>{"messageType":...}</c>).</summary>
    CloudWatchLogs,
    /// <summary>A Parquet flow log object (magic <c>PAR1</c>), read by ranges, footer first.</summary>
    Parquet,
}

/// <summary>The one place a local file's kind is decided.</summary>
internal static class InputKinds
{
    /// <summary>Bytes read from the start of a file to decide.</summary>
    public const int HeadBytes = 64;

    /// <summary>The kind of a file that starts with <paramref name="head"/>. Flow log text starts with a digit or a field
    /// name, never '{'; a JSON object (after an optional byte order mark and white space) is a CloudWatch Logs delivery.</summary>
    public static InputKind Of(ReadOnlySpan<byte> head) => head switch
    {
        [0x1f, 0x8b, ..] => InputKind.Text,
        _ when ParquetRecordSource.IsParquet(head) => InputKind.Parquet,
        _ when SkipPreamble(head) is [(byte)'{', ..] => InputKind.CloudWatchLogs,
        _ => InputKind.Text,
    };

    private static ReadOnlySpan<byte> SkipPreamble(ReadOnlySpan<byte> head) =>
        (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head).TrimStart(" \t\r\n"u8);
}
