using FlowLogForwarder.Configuration;
using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Tests.Configuration;

public class ProgressTagOptionTests
{
    private static ForwarderOptions Load(string endpoint, string? tag = null, string? key = null) => ForwarderOptions.Load(n => n switch
    {
        "SIGNOZ_ENDPOINT" => endpoint,
        "FLOWLOG_PROGRESS_TAG" => tag,
        "SIGNOZ_INGESTION_KEY" => key,
        _ => null,
    });

    [Fact]
    public void The_default_tag_is_derived_from_the_endpoint_only()
    {
        var prod = Load("https://ingest.us.signoz.cloud:443/logs/json", key: "key-one");
        Assert.Matches("^flowlog-forwarder-progress-[0-9a-f]{8}$", prod.ProgressTag);
        Assert.Equal(prod.ProgressTag, Load("https://ingest.us.signoz.cloud:443/logs/json", key: "key-two").ProgressTag);
        Assert.NotEqual(prod.ProgressTag, Load("https://ingest.eu.signoz.cloud:443/logs/json").ProgressTag);
        Assert.Contains("progressTag=" + prod.ProgressTag, prod.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_tag_overrides_the_derived_one()
    {
        Assert.Equal("team-a:progress", Load("https://x/logs/json", "team-a:progress").ProgressTag);
        Assert.Equal(ProgressTagKey.Legacy, Load("https://x/logs/json", ProgressTagKey.Legacy).ProgressTag); // opt back in to the old tag
    }

    [Fact]
    public void Without_an_endpoint_there_is_no_tag() =>
        Assert.Null(ForwarderOptions.Load(_ => null, requireEndpoint: false).ProgressTag);

    [Theory]
    [InlineData("aws:progress")]
    [InlineData("AWS:progress")]
    [InlineData("progress#1")]
    [InlineData("progress\u0001")]
    [InlineData("progress,two")]
    public void A_tag_S3_would_refuse_fails_start_up_naming_the_variable(string tag)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("https://x/logs/json", tag));
        Assert.Equal("FLOWLOG_PROGRESS_TAG", error.Variable);
    }

    [Fact]
    public void A_tag_longer_than_128_characters_is_refused()
    {
        Assert.Equal(new string('p', 128), Load("https://x/logs/json", new string('p', 128)).ProgressTag);
        Assert.Equal("FLOWLOG_PROGRESS_TAG", Assert.Throws<ConfigurationException>(() => Load("https://x/logs/json", new string('p', 129))).Variable);
    }
}
