namespace FlowLogForwarder.Cli.Backfill;

/// <summary>What <c>flowlog-forward backfill</c> was asked to do, parsed and validated.</summary>
internal sealed record BackfillRequest(S3Prefix Location, ObjectSelection Selection, int Concurrency, bool DryRun, string? ViaQueue, bool Wait,
    TimeSpan WaitLimit, bool Live, bool Verbose)
{
    /// <summary>Objects forwarded at once when <c>--concurrency</c> is not given: two per core (the work is mostly
    /// waiting on S3 and the endpoint), at least 2, at most 16 (each object holds up to FLOWLOG_MAX_IN_FLIGHT + 2 batches).</summary>
    public static int DefaultConcurrency => Math.Clamp(Environment.ProcessorCount * 2, 2, 16);
}
