using System.Text.Json.Serialization;

namespace FlowLogForwarder.Pipeline;

/// <summary>Source-generated JSON for summaries (no reflection, so it works under Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ForwardingSummary))]
public sealed partial class SummaryJsonContext : JsonSerializerContext;
