using System.Text;
using System.Text.Json;
using CsCheck;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Batching;

public class SigNozBatchWriterTests
{
    private static List<SigNozBatch> Feed(SigNozBatchWriter writer, IEnumerable<byte[]> records)
    {
        var batches = new List<SigNozBatch>();
        var line = 1L;
        foreach (var record in records)
        {
            if (writer.Add(record, ++line) is { } closed)
            {
                batches.Add(closed);
            }
        }
        if (writer.Flush() is { } last)
        {
            batches.Add(last);
        }
        return batches;
    }

    private static byte[] Record(int index, int padding) =>
        Encoding.UTF8.GetBytes($"{{\"i\":{index},\"p\":\"{new string('x', padding)}\"}}");

    [Fact]
    public void Batches_never_exceed_the_byte_budget_and_keep_every_record_in_order()
    {
        Gen.Select(Gen.Int[64, 4096], Gen.Int[1, 50], Gen.Int[0, 300].Array[0, 200])
            .Sample((budget, maxRecords, paddings) =>
            {
                using var writer = new SigNozBatchWriter(budget, maxRecords);
                var records = paddings.Select((p, i) => Record(i, p)).Where(r => r.Length <= writer.MaxRecordBytes).ToList();
                var batches = Feed(writer, records);
                var seen = new List<int>();
                foreach (var batch in batches)
                {
                    Assert.True(batch.Json.Length <= budget, $"batch of {batch.Json.Length} bytes over budget {budget}");
                    Assert.InRange(batch.RecordCount, 1, maxRecords);
                    using var document = JsonDocument.Parse(batch.Json);
                    Assert.Equal(batch.RecordCount, document.RootElement.GetArrayLength());
                    seen.AddRange(document.RootElement.EnumerateArray().Select(e => e.GetProperty("i").GetInt32()));
                    batch.Dispose();
                }
                Assert.Equal(records.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("i").GetInt32()), seen);
            }, iter: 300);
    }

    [Fact]
    public void Batches_are_numbered_and_know_their_line_range()
    {
        using var writer = new SigNozBatchWriter(1 << 20, maxRecords: 2);
        var batches = Feed(writer, Enumerable.Range(0, 5).Select(i => Record(i, 1)));
        Assert.Equal([0, 1, 2], batches.Select(b => b.Sequence));
        Assert.Equal([(2L, 3L), (4L, 5L), (6L, 6L)], batches.Select(b => (b.FirstLine, b.LastLine)));
        batches.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task A_whole_object_is_split_under_the_budget_without_losing_a_record()
    {
        var text = new MemoryStream();
        FlowLogGenerator.Write(text, 5000, FlowLogGenerator.V5Header);
        text.Position = 0;
        const int Budget = 64 * 1024;
        var (summary, records, sink) = await TestHelpers.RunAsync(TestHelpers.Gzip(Encoding.UTF8.GetString(text.ToArray())),
            new PipelineOptions { MaxBatchBytes = Budget });
        Assert.All(sink.Batches, b => Assert.True(b.Length <= Budget));
        Assert.True(sink.Batches.Count > 10);
        Assert.Equal(5000, records.Count);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), records.Select(r => r.GetProperty("attributes").GetProperty("aws.vpc.flow.packets").GetInt64()));
        Assert.Equal(sink.Batches.Count, summary.Batches);
    }
}
