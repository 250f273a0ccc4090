using System.Text.Json;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>Events as AWS sends them, for the tests that drive the bootstrap or the replay command.</summary>
internal static class TestEvents
{
    /// <summary>An S3 ObjectCreated notification for <paramref name="keys"/>, URL-encoded as S3 encodes them ('+' for space).</summary>
    public static string S3ObjectCreated(string bucket, params string[] keys) => JsonSerializer.Serialize(new
    {
        Records = keys.Select(k => new
        {
            eventVersion = "2.1", eventSource = "aws:s3", awsRegion = "us-east-1", eventTime = DateTimeOffset.UtcNow.ToString("O"),
            eventName = "ObjectCreated:Put",
            s3 = new { bucket = new { name = bucket }, @object = new { key = Uri.EscapeDataString(k).Replace("%2F", "/", StringComparison.Ordinal).Replace("%20", "+", StringComparison.Ordinal) } },
        }),
    });
}
