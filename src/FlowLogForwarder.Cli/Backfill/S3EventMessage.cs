using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowLogForwarder.Events;

namespace FlowLogForwarder.Cli.Backfill;

/// <summary>
/// The body S3 puts on a queue for a new object (an event notification, version 2.1, one record), written for a listed
/// object so that the function's SQS trigger handles it exactly as if S3 had just announced it. The key is URL-encoded
/// as S3 encodes it ('+' for space); the eTag pins the version listed; the event time is the enqueue time, so the
/// function's lag metric measures the backfill's queueing, not the age of the logs.
/// </summary>
internal static class S3EventMessage
{
    /// <summary>The notification body for <paramref name="reference"/>.</summary>
    public static string For(ObjectReference reference, string? region, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            writer.WriteStartObject();
            writer.WriteString("eventVersion", "2.1");
            writer.WriteString("eventSource", "aws:s3");
            if (region is not null)
            {
                writer.WriteString("awsRegion", region);
            }
            writer.WriteString("eventTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("eventName", "ObjectCreated:Put");
            writer.WriteStartObject("s3");
            writer.WriteString("s3SchemaVersion", "1.0");
            writer.WriteStartObject("bucket");
            writer.WriteString("name", reference.Bucket);
            writer.WriteString("arn", $"arn:aws:s3:::{reference.Bucket}");
            writer.WriteEndObject();
            writer.WriteStartObject("object");
            writer.WriteString("key", EncodeKey(reference.Key));
            if (reference.Size is { } size)
            {
                writer.WriteNumber("size", size);
            }
            if (!string.IsNullOrEmpty(reference.ETag))
            {
                writer.WriteString("eTag", reference.ETag);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // S3 encodes keys in notifications as an HTML form would (spaces as '+'), leaving '/' as is.
    private static string EncodeKey(string key) => string.Join('/', key.Split('/').Select(System.Net.WebUtility.UrlEncode));
}
