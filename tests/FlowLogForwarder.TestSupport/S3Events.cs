using System.Text.Json;

namespace FlowLogForwarder.TestSupport;

/// <summary>S3 event notifications (ObjectCreated:Put, event version 2.1) as S3 sends them, for unit and integration tests.</summary>
public static class S3Events
{
    /// <summary>The bucket of <see cref="ObjectCreated"/>.</summary>
    public const string Bucket = "flow-logs-bucket";

    /// <summary>The eTag of every object <see cref="ObjectCreated"/> names.</summary>
    public const string ETag = "0123456789abcdef0123456789abcdef";

    /// <summary>The version id of every object <see cref="ObjectCreated"/> names.</summary>
    public const string VersionId = "v1";

    /// <summary>The size of every object <see cref="ObjectCreated"/> names.</summary>
    public const long Size = 1024;

    /// <summary>When the event happened (in the past, so the lag metric is positive).</summary>
    public static readonly DateTimeOffset EventTime = new(2026, 11, 22, 10, 5, 31, 123, TimeSpan.Zero);

    /// <summary>A notification for objects in <see cref="Bucket"/> pinned to <see cref="ETag"/> and <see cref="VersionId"/>;
    /// <paramref name="encodedKeys"/> are written as given, so a test can hand the decoder any encoding.</summary>
    public static string ObjectCreated(params string[] encodedKeys) =>
        Notification(Bucket, encodedKeys, pinned: true);

    /// <summary>A notification for objects in a real bucket: <paramref name="keys"/> are URL-encoded here as S3 encodes them
    /// ('+' for space), and no size, eTag or version is given, so whatever object the key names now is read.</summary>
    public static string ObjectCreatedIn(string bucket, params string[] keys) =>
        Notification(bucket, keys.Select(EncodeKey), pinned: false);

    /// <summary>A key as an S3 notification writes it: URL-encoded, '/' kept, '+' for space.</summary>
    public static string EncodeKey(string key) =>
        Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal).Replace("%20", "+", StringComparison.Ordinal);

    private static string Notification(string bucket, IEnumerable<string> encodedKeys, bool pinned) => JsonSerializer.Serialize(new
    {
        Records = encodedKeys.Select(key => new
        {
            eventVersion = "2.1",
            eventSource = "aws:s3",
            awsRegion = "us-east-1",
            eventTime = EventTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            eventName = "ObjectCreated:Put",
            s3 = new
            {
                s3SchemaVersion = "1.0",
                bucket = new { name = bucket, arn = $"arn:aws:s3:::{bucket}" },
                @object = pinned
                    ? (object)new { key, size = Size, eTag = ETag, versionId = VersionId, sequencer = "0055AED6DCD90281E5" }
                    : new { key, sequencer = "0055AED6DCD90281E5" },
            },
        }),
    });
}
