using System.Text;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Tests.Reading;

/// <summary>Line framing straight from the read-ahead pipe: lines across segment boundaries, over-long lines, the last
/// line without a newline, and a truncated object's partial last line.</summary>
public sealed class TextLineSourceTests
{
    private static async Task<(List<(long Number, string Text, bool TooLong)> Lines, TextLineSource Source)> ReadAllAsync(byte[] bytes, int maxLineBytes)
    {
        var source = await TextLineSource.OpenAsync(new MemoryStream(bytes), maxLineBytes, CancellationToken.None);
        var lines = new List<(long, string, bool)>();
        var reads = 0;
        while (await source.ReadAsync(CancellationToken.None))
        {
            Assert.True(++reads < 100_000, "the source never ended");
            while (source.TryTake(out var line))
            {
                lines.Add((line.Number, Encoding.UTF8.GetString(line.Text), line.TooLong));
            }
        }
        return (lines, source);
    }

    [Fact]
    public async Task Lines_that_cross_pipe_segments_come_out_whole_and_numbered()
    {
        // Lines of every length from 1 to 300 bytes: many of them straddle the 64 KiB segment boundaries.
        var expected = Enumerable.Range(0, 3_000).Select(i => new string((char)('a' + i % 26), 1 + i % 300)).ToList();
        var text = Encoding.UTF8.GetBytes(string.Join("\n", expected) + "\n");

        var (lines, source) = await ReadAllAsync(text, 1024);
        await using (source)
        {
            Assert.Equal(expected, lines.Select(l => l.Text));
            Assert.Equal(Enumerable.Range(1, expected.Count).Select(i => (long)i), lines.Select(l => l.Number));
            Assert.Equal(SourceEnd.Complete, source.Ending);
            Assert.Equal(text.Length, source.BytesText);
        }
    }

    [Fact]
    public async Task An_over_long_line_is_counted_once_and_skipped_whatever_its_length()
    {
        var longLine = new string('x', 200_000); // spans several segments
        var text = Encoding.UTF8.GetBytes($"first\n{longLine}\nthird\n{new string('y', 1025)}\nlast");

        var (lines, source) = await ReadAllAsync(text, 1024);
        await using (source)
        {
            Assert.Equal([(1L, "first", false), (2L, "", true), (3L, "third", false), (4L, "", true), (5L, "last", false)], lines);
        }
    }

    [Fact]
    public async Task A_gzip_object_truncated_mid_stream_withholds_its_partial_last_line()
    {
        var text = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"line {i} of a flow log object\n"));
        var gzip = TestHelpers.Gzip(text).ToArray();

        var (lines, source) = await ReadAllAsync(gzip[..(gzip.Length / 2)], 1024);
        await using (source)
        {
            Assert.Equal(SourceEnd.Truncated, source.Ending);
            Assert.All(lines, l => Assert.Matches(@"^line \d+ of a flow log object$", l.Text)); // no cut-off line
            Assert.InRange(lines.Count, 1, 49_999);
        }
    }

    [Fact]
    public async Task An_empty_object_has_no_lines()
    {
        var (lines, source) = await ReadAllAsync([], 1024);
        await using (source)
        {
            Assert.Empty(lines);
            Assert.Equal(SourceEnd.Complete, source.Ending);
        }
    }
}
