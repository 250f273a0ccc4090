namespace FlowLogForwarder.Events;

/// <summary>An S3 object named by an event: which object, which version, and when the event happened.</summary>
public sealed record ObjectReference(string Bucket, string Key, long? Size, string? ETag, string? VersionId, DateTimeOffset? EventTime);

/// <summary>The objects of one unit of work: a whole direct event, or one SQS message (which can fail on its own).</summary>
public sealed record WorkItem(string? MessageId, IReadOnlyList<ObjectReference> Objects, string? Error);

/// <summary>An invocation's event, decoded: the objects it names, or (CloudWatch Logs) the records it carries.</summary>
public sealed record DecodedEvent(EventSource Source, IReadOnlyList<WorkItem> Items, CloudWatchLogsData? Logs = null);

/// <summary>Which service delivered the event; SQS needs a partial batch response.</summary>
public enum EventSource
{
    S3,
    Sns,
    Sqs,
    EventBridge,
    S3TestEvent,
    CloudWatchLogs,
}
