using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace FlowLogForwarder.TestSupport;

/// <summary>CloudWatch Logs subscription deliveries as AWS sends them to Lambda: <c>{"awslogs":{"data": base64(gzip(json))}}</c>.</summary>
public static class CloudWatchLogsEvents
{
    /// <summary>The log group of a VPC flow log that publishes to CloudWatch Logs.</summary>
    public const string LogGroup = "/aws/vpc/flowlogs";

    /// <summary>VPC flow logs name a stream after the interface.</summary>
    public const string LogStream = "eni-0a1b2c3d4e5f67890-all";

    /// <summary>The account that owns the log group.</summary>
    public const string Owner = "123456789012";

    private static readonly string[] SubscriptionFilters = ["flowlog-forwarder"];

    /// <summary>A <c>DATA_MESSAGE</c> payload carrying <paramref name="messages"/>; event ids are <c>event-1</c>, <c>event-2</c>, ...</summary>
    public static string DataPayload(IEnumerable<string> messages, string logGroup = LogGroup, string logStream = LogStream) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["messageType"] = "DATA_MESSAGE",
            ["owner"] = Owner,
            ["logGroup"] = logGroup,
            ["logStream"] = logStream,
            ["subscriptionFilters"] = SubscriptionFilters,
            ["logEvents"] = messages.Select((m, i) => new Dictionary<string, object>
            {
                ["id"] = $"event-{i + 1}",
                ["timestamp"] = 1763805960000L + i,
                ["message"] = m,
            }).ToArray(),
        });

    /// <summary>The <c>CONTROL_MESSAGE</c> CloudWatch Logs sends when a subscription filter is created.</summary>
    public static string ControlPayload() =>
        """{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1763805960000,"message":"CWL CONTROL MESSAGE: Checking health of destination Lambda."}]}""";

    /// <summary>The Lambda event for <paramref name="payload"/>.</summary>
    public static string LambdaEvent(string payload)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(payload));
        }
        return JsonSerializer.Serialize(new { awslogs = new { data = Convert.ToBase64String(compressed.ToArray()) } });
    }
}
