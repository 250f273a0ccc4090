namespace FlowLogForwarder.TestSupport;

/// <summary>A fault the loopback SigNoz server answers one request with.</summary>
public abstract record ServerFault
{
    /// <summary>Answers with <paramref name="Code"/>, and a Retry-After header when given.</summary>
    public sealed record Status(int Code, string? RetryAfter = null) : ServerFault;

    /// <summary>Answers with a redirect to <paramref name="Location"/>.</summary>
    public sealed record Redirect(int Code, Uri Location) : ServerFault;

    /// <summary>Answers <paramref name="Code"/> with a body of the server's choosing: <paramref name="Body"/> as UTF-8 under
    /// <paramref name="ContentType"/> (which may name a charset that does not exist).</summary>
    public sealed record WithBody(int Code, string Body, string ContentType = "text/plain") : ServerFault;

    /// <summary>Answers <paramref name="Code"/> and a body of <paramref name="Bytes"/> bytes, streamed (a huge error page).</summary>
    public sealed record HugeBody(int Code, long Bytes) : ServerFault;

    /// <summary>Answers <paramref name="Code"/> with a few bytes of body, then stalls until the client gives up (at most
    /// <paramref name="StallFor"/>).</summary>
    public sealed record StalledBody(int Code, TimeSpan StallFor) : ServerFault;

    /// <summary>Waits <paramref name="Delay"/>, then handles the request normally.</summary>
    public sealed record Delayed(TimeSpan Delay) : ServerFault;

    /// <summary>Closes the connection without answering (nothing is recorded).</summary>
    public sealed record Drop : ServerFault;

    /// <summary>Handles the request normally, answering <paramref name="Code"/> (any 2xx) when it is accepted
    /// (a placeholder to let requests through before later faults).</summary>
    public sealed record Accept(int Code = 200) : ServerFault;

    /// <summary>OTLP: accepts the request but answers 200 with <c>partial_success</c>: <paramref name="Rejected"/> records
    /// rejected, with <paramref name="Message"/>.</summary>
    public sealed record PartialSuccess(long Rejected, string Message) : ServerFault;

    /// <summary>Records the request as accepted, then closes the connection without answering: the client cannot
    /// know it was delivered, as when a response is lost.</summary>
    public sealed record AcceptThenDrop : ServerFault;
}
