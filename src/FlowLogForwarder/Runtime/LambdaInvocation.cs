namespace FlowLogForwarder.Runtime;

/// <summary>One invocation from the Runtime API: its event and context (what Amazon.Lambda.Core calls ILambdaContext).</summary>
public sealed record LambdaInvocation(string RequestId, DateTimeOffset Deadline, string? FunctionArn, string? TraceId, byte[] Event);
