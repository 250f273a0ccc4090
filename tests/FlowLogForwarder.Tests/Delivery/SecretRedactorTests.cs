using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Tests.Delivery;

public sealed class SecretRedactorTests
{
    private const string Key = "sk-0123456789abcdef";
    private readonly SecretRedactor _redactor = new(Key);

    [Fact]
    public void Every_occurrence_of_the_secret_is_masked() =>
        Assert.Equal("a [redacted] b [redacted]", _redactor.Redact($"a {Key} b {Key}"));

    [Fact]
    public void A_cut_off_text_ending_in_part_of_the_secret_loses_that_part() =>
        Assert.Equal("token=[redacted]", _redactor.Redact("token=" + Key[..7], truncated: true));

    [Fact]
    public void A_complete_text_keeps_ordinary_words_that_merely_start_like_the_secret() =>
        Assert.Equal("ask sk-01", _redactor.Redact("ask sk-01"));

    [Fact]
    public void No_secret_changes_nothing() => Assert.Equal("x", new SecretRedactor(null).Redact("x", truncated: true));

    [Fact]
    public void Error_bodies_become_one_printable_line_whatever_their_bytes()
    {
        byte[] body = [.. "line1\r\nline2\t"u8, 0xff, 0xfe, .. "end"u8];
        Assert.Equal("line1  line2 \uFFFD\uFFFDend", ErrorBodyReader.Describe(body, complete: true, problem: null, _redactor));
    }
}
