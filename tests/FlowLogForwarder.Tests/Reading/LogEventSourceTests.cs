using System.Text;
using FlowLogForwarder.Events;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Tests.Reading;

public class LogEventSourceTests
{
    [Fact]
    public async Task Hands_out_each_message_numbered_from_1_with_its_id_and_without_a_trailing_line_end()
    {
        CloudWatchLogEvent[] events = [new("a", 1, "first record\n"), new("b", 2, "zweite Zeile é\r\n"), new("c", 3, new string('x', 2000))];
        await using var source = new LogEventSource(events, maxLineBytes: 1024);

        Assert.True(await source.ReadAsync(CancellationToken.None));
        var taken = new List<(long Number, string Text, string Id, bool TooLong)>();
        while (source.TryTake(out var line))
        {
            taken.Add((line.Number, Encoding.UTF8.GetString(line.Text), Encoding.UTF8.GetString(line.Id), line.TooLong));
        }
        Assert.Equal([(1, "first record", "a", false), (2, "zweite Zeile é", "b", false), (3, "", "c", true)], taken);
        Assert.False(await source.ReadAsync(CancellationToken.None));
        Assert.Equal(SourceEnd.Complete, source.Ending);
        Assert.Equal(12 + Encoding.UTF8.GetByteCount("zweite Zeile é") + 2000, source.BytesText);
    }

    [Fact]
    public async Task No_events_is_a_complete_empty_source()
    {
        await using var source = new LogEventSource([], 1024);
        Assert.True(await source.ReadAsync(CancellationToken.None));
        Assert.False(source.TryTake(out _));
        Assert.False(await source.ReadAsync(CancellationToken.None));
        Assert.Equal(SourceEnd.Complete, source.Ending);
    }
}
