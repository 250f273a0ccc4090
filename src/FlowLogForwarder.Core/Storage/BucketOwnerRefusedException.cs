namespace FlowLogForwarder.Storage;

/// <summary>
/// An object was not read because its bucket is not owned by the account <c>FLOWLOG_EXPECTED_BUCKET_OWNER</c> expects
/// (or that setting names no owner for the bucket). Retrying cannot help until the configuration or the event changes.
/// </summary>
public sealed class BucketOwnerRefusedException(string message, Exception? inner = null) : Exception(message, inner);
