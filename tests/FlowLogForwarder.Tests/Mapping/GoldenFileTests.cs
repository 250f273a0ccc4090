using FlowLogForwarder.TestSupport;
using System.Text;
using System.Text.Json;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Mapping;

/// <summary>
/// The exact JSON records each bundled sample (tests/samples/*.log.gz) produces, in both naming modes, compared byte for
/// byte with Golden/&lt;sample&gt;.&lt;otel|aws&gt;.jsonl (one record per line, as <c>flowlog-forward preview FILE</c> prints
/// them when run from tests/samples). A mapping change, meant or not, shows up here as a diff.
/// To change the mapping deliberately: run these tests with <c>FLOWLOG_UPDATE_GOLDEN=1</c>; they rewrite the files and
/// fail (a regeneration never passes silently); review <c>git diff tests/FlowLogForwarder.Tests/Golden</c>, commit it
/// with the change, and run again without the variable.
/// </summary>
public class GoldenFileTests
{
    private const string UpdateVariable = "FLOWLOG_UPDATE_GOLDEN";

    private static readonly string Root = RepoPaths.Root;
    private static readonly string SamplesDir = Path.Combine(Root, "tests", "samples");
    private static readonly string GoldenDir = Path.Combine(Root, "tests", "FlowLogForwarder.Tests", "Golden");

    public static TheoryData<string, AttributeNaming> Samples()
    {
        var data = new TheoryData<string, AttributeNaming>();
        foreach (var path in Directory.GetFiles(SamplesDir, "*.log.gz").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path), AttributeNaming.OpenTelemetry);
            data.Add(Path.GetFileName(path), AttributeNaming.Aws);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_sample_maps_to_its_golden_JSON_byte_for_byte(string sample, AttributeNaming naming)
    {
        var actual = await RecordsAsync(sample, naming);
        var goldenPath = Path.Combine(GoldenDir, GoldenName(sample, naming));

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(GoldenDir);
            await File.WriteAllTextAsync(goldenPath, string.Concat(actual.Select(r => r + "\n")));
            Assert.Fail($"{UpdateVariable}=1: rewrote {goldenPath}. Review `git diff tests/FlowLogForwarder.Tests/Golden`, " +
                        $"commit it, and run again without {UpdateVariable}.");
        }

        Assert.True(File.Exists(goldenPath), $"no golden file {goldenPath}: run the tests once with {UpdateVariable}=1 to write it, then review it.");
        var expected = (await File.ReadAllTextAsync(goldenPath)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        if (Difference(expected, actual) is { } difference)
        {
            Assert.Fail($"{sample} ({naming}) differs from {GoldenName(sample, naming)}:\n{difference}\n" +
                        $"If the change is meant: run with {UpdateVariable}=1, review the diff, commit it.");
        }
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_bundled_sample()
    {
        var expected = Samples().Select(row => GoldenName((string)row[0], (AttributeNaming)row[1])).Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(GoldenDir, "*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, present);
    }

    private static string GoldenName(string sample, AttributeNaming naming) =>
        $"{sample[..^".log.gz".Length]}.{(naming == AttributeNaming.Aws ? "aws" : "otel")}.jsonl";

    // The real pipeline, keyed by the bare file name as `preview FILE` from tests/samples does (no bucket).
    private static async Task<List<string>> RecordsAsync(string sample, AttributeNaming naming)
    {
        var sink = new CollectingSink();
        var pipeline = new FlowLogPipeline(sink, new PipelineOptions { Naming = naming }, TimeProvider.System);
        await using var input = File.OpenRead(Path.Combine(SamplesDir, sample));
        var summary = await pipeline.ForwardAsync(input, FlowLogSource.FromKey(null, sample), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);

        var records = new List<string>();
        foreach (var batch in sink.Batches)
        {
            using var document = JsonDocument.Parse(batch);
            // GetRawText is the record's own bytes from the batch, not a re-serialisation.
            records.AddRange(document.RootElement.EnumerateArray().Select(record => record.GetRawText()));
        }
        return records;
    }

    private static string? Difference(List<string> expected, List<string> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (expected[i] != actual[i])
            {
                var at = 0;
                while (at < Math.Min(expected[i].Length, actual[i].Length) && expected[i][at] == actual[i][at])
                {
                    at++;
                }
                // Records are long: show the neighbourhood of the difference first, then both records whole.
                var from = Math.Max(0, at - Context);
                return new StringBuilder()
                    .AppendLine($"first difference in record {i + 1} (line {i + 1}), at character {at + 1}:")
                    .AppendLine($"expected: ...{Excerpt(expected[i], from)}...")
                    .AppendLine($"actual:   ...{Excerpt(actual[i], from)}...")
                    .AppendLine(new string(' ', "expected: ...".Length + at - from) + "^")
                    .AppendLine($"expected record: {expected[i]}")
                    .Append($"actual record:   {actual[i]}")
                    .ToString();
            }
        }
        return expected.Count == actual.Count
            ? null
            : $"expected {expected.Count} records, got {actual.Count}; first extra record:\n" +
              (expected.Count > actual.Count ? $"expected: {expected[actual.Count]}" : $"actual:   {actual[expected.Count]}");
    }

    private const int Context = 60;

    private static string Excerpt(string record, int from) =>
        from >= record.Length ? "" : record.Substring(from, Math.Min(2 * Context, record.Length - from));
}
