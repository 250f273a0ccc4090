namespace FlowLogForwarder.TestSupport;

/// <summary>A fault the loopback SigNoz server answers one request with.</summary>
public abstract record ServerFault
{
    /// <summary>Answers with <paramref name="Status"/>, and a Retry-After header when given.</summary>
    public sealed record Status(int Code, string? RetryAfter = null) : ServerFault;

    /// <summary>Closes the connection without answering.</summary>
    public sealed record Drop : ServerFault;
}
