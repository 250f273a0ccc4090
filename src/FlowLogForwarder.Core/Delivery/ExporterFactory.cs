using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Delivery;

/// <summary>Builds the exporter the configuration asks for, so the Lambda and every CLI command deliver alike.</summary>
public static class ExporterFactory
{
    /// <summary>The exporter for <paramref name="options"/>' protocol (the pipeline takes the same from
    /// <see cref="ForwarderOptions.Pipeline"/>): a client that splits refused requests.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="ingestionKey">The key, resolved by the caller (directly or from SSM).</param>
    /// <param name="http">The process-wide client (<see cref="SigNozClient.CreateHttpClient"/>).</param>
    /// <param name="time">The clock for retries.</param>
    /// <param name="warn">Told when <c>auto</c> compression falls back to plain bodies.</param>
    public static IBatchExporter Create(ForwarderOptions options, string? ingestionKey, HttpClient http, TimeProvider time, Action<string> warn) =>
        new BatchDeliverer(new SigNozClient(http, options.ClientOptions(ingestionKey, warn), time));
}
