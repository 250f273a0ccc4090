using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Tests.Configuration;

public class IngestionKeyRuleTests
{
    private const string Endpoint = "https://ingest.eu.signoz.cloud:443/logs/json";
    private const string Secret = "a1B2-c3D4_e5F6.g7H8";

    [Theory]
    [InlineData(Secret + "\n")]
    [InlineData(Secret + "\r\n")]
    [InlineData("  \t" + Secret + " \n")]
    [InlineData("\u00a0" + Secret + "\u2028")] // Unicode whitespace from a copy-paste
    public void Surrounding_whitespace_is_trimmed(string raw) =>
        Assert.Equal(Secret, IngestionKeyRule.Normalize(raw, "SIGNOZ_INGESTION_KEY", "the value"));

    [Theory]
    [InlineData("a1B2\nc3D4")]          // would split the header block
    [InlineData("a1B2\rX-Injected: 1")]
    [InlineData("a1B2\u0001c3D4")]
    [InlineData("a1B2\u007fc3D4")]      // DEL
    [InlineData("a1B2 c3D4")]           // an inner space: two pasted tokens, not a key
    [InlineData("a1B2\tc3D4")]
    [InlineData("a1B2\u00e9c3D4")]      // non-ASCII: header encodings disagree on it
    [InlineData("a1B2\u200bc3D4")]      // zero-width space, invisible in a console
    public void A_control_or_non_printable_character_inside_is_refused_naming_the_source_not_the_key(string raw)
    {
        var error = Assert.Throws<ConfigurationException>(() => IngestionKeyRule.Normalize(raw, "SIGNOZ_INGESTION_KEY_PARAMETER", "SSM parameter '/signoz/key'"));
        Assert.Equal("SIGNOZ_INGESTION_KEY_PARAMETER", error.Variable);
        Assert.Contains("SSM parameter '/signoz/key'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a1B2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c3D4", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\n")]
    public void A_blank_key_is_refused(string raw) =>
        Assert.Throws<ConfigurationException>(() => IngestionKeyRule.Normalize(raw, "SIGNOZ_INGESTION_KEY", "the value"));

    [Fact]
    public void The_environment_key_is_trimmed_by_the_same_rule()
    {
        var options = ForwarderOptions.Load(n => n switch { "SIGNOZ_ENDPOINT" => Endpoint, "SIGNOZ_INGESTION_KEY" => Secret + "\n", _ => null });
        Assert.Equal(Secret, options.IngestionKey);
        Assert.Equal(Secret, options.ClientOptions(options.IngestionKey).IngestionKey);
    }

    [Theory]
    [InlineData("a1B2\u0000c3D4")]
    [InlineData("   ")]
    public void A_bad_environment_key_fails_start_up_naming_the_variable_without_the_key(string raw)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            ForwarderOptions.Load(n => n switch { "SIGNOZ_ENDPOINT" => Endpoint, "SIGNOZ_INGESTION_KEY" => raw, _ => null }));
        Assert.Equal("SIGNOZ_INGESTION_KEY", error.Variable);
        Assert.StartsWith("SIGNOZ_INGESTION_KEY:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a1B2", error.Message, StringComparison.Ordinal);
    }
}
