using System.Text.Json;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Logging;

public class InvocationMetricsTests
{
    [Fact]
    public void Rejected_and_failed_records_are_separate_metrics_named_as_in_the_summary_and_each_declared()
    {
        var metrics = new InvocationMetrics();
        metrics.Add(ForwardingSummary.Unopened("k", "r") with { RecordsForwarded = 10, RecordsRejected = 2, RecordsFailed = 3 });
        metrics.Add(ForwardingSummary.Unopened("k", "r") with { RecordsRejected = 1 });
        metrics.ObjectFailed();
        using var output = new StringWriter();

        metrics.Emit(new JsonLog(output, TimeProvider.System), "fn", DateTimeOffset.UnixEpoch);

        var emf = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(10, emf.GetProperty("RecordsForwarded").GetInt64());
        Assert.Equal(3, emf.GetProperty("RecordsRejected").GetInt64());
        Assert.Equal(3, emf.GetProperty("RecordsFailed").GetInt64());
        Assert.Equal(1, emf.GetProperty("ObjectsFailed").GetInt64());
        Assert.False(emf.TryGetProperty("LagSeconds", out _), "no object was read, so there is no lag to report");
        var declared = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray()
            .Select(m => m.GetProperty("Name").GetString()!).ToList();
        var written = emf.EnumerateObject().Select(p => p.Name).Where(n => n is not "_aws" and not "FunctionName");
        Assert.Subset(declared.ToHashSet(), written.ToHashSet());
        Assert.Equal(declared.Distinct().Count(), declared.Count);
    }

    [Fact]
    public void Wire_bytes_and_encoded_bytes_are_separate_byte_metrics_summed_over_objects()
    {
        var metrics = new InvocationMetrics();
        metrics.Add(ForwardingSummary.Unopened("a", "r") with { BytesIn = 30, BytesOut = 100, BytesJson = 800 });
        metrics.Add(ForwardingSummary.Unopened("b", "r") with { BytesIn = 3, BytesOut = 10, BytesJson = 80 });
        using var output = new StringWriter();

        metrics.Emit(new JsonLog(output, TimeProvider.System), "fn", DateTimeOffset.UnixEpoch);

        var emf = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(110, emf.GetProperty("BytesOut").GetInt64());
        Assert.Equal(880, emf.GetProperty("BytesJson").GetInt64());
        var units = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString());
        Assert.Equal("Bytes", units["BytesOut"]);
        Assert.Equal("Bytes", units["BytesJson"]);
    }
}
