namespace FlowLogForwarder.TestSupport;

/// <summary>A fault the loopback SigNoz server answers one request with.</summary>
public abstract record ServerFault
{
    /// <summary>Answers with <paramref name="Status"/>, and a Retry-After header when given.</summary>
    public sealed record Status(int Code, string? RetryAfter = null) : ServerFault;

    /// <summary>Closes the connection without answering (nothing is recorded).</summary>
    public sealed record Drop : ServerFault;

    /// <summary>Handles the request normally (a placeholder to let requests through before later faults).</summary>
    public sealed record Accept : ServerFault;

    /// <summary>Records the request as accepted, then closes the connection without answering: the client cannot
    /// know it was delivered, as when a response is lost.</summary>
    public sealed record AcceptThenDrop : ServerFault;
}
