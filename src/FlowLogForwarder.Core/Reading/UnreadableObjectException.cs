namespace FlowLogForwarder.Reading;

/// <summary>
/// The object's bytes are not a readable flow log in their format (a corrupt Parquet footer, a schema that is not a
/// flow log's); the message says what and where, complete. Retrying reads the same bytes, so the object is Unreadable.
/// </summary>
public sealed class UnreadableObjectException(string message, Exception? inner = null) : Exception(message, inner);
