using FlowLogForwarder.Storage;

namespace FlowLogForwarder.Tests.Storage;

public class ProgressTagKeyTests
{
    [Fact]
    public void The_key_is_pinned_so_an_upgrade_keeps_finding_its_own_progress() =>
        // sha256("https://ingest.us.signoz.cloud:443/logs/json") starts a6231fa2 (computed independently with Python's hashlib).
        Assert.Equal("flowlog-forwarder-progress-a6231fa2", ProgressTagKey.ForEndpoint(new Uri("https://ingest.us.signoz.cloud:443/logs/json")));

    [Theory]
    [InlineData("https://ingest.us.signoz.cloud/logs/json")]        // default port implied
    [InlineData("HTTPS://INGEST.US.SIGNOZ.CLOUD:443/logs/json")]    // scheme and host are case-insensitive
    [InlineData("https://ingest.us.signoz.cloud:443/logs/json#x")]   // a fragment is never sent
    public void Spellings_of_one_endpoint_share_a_key(string endpoint) =>
        Assert.Equal(ProgressTagKey.ForEndpoint(new Uri("https://ingest.us.signoz.cloud:443/logs/json")), ProgressTagKey.ForEndpoint(new Uri(endpoint)));

    [Theory]
    [InlineData("https://ingest.us.signoz.cloud:443/logs/json/")]   // another path (Cloud answers 404 to it)
    [InlineData("https://ingest.us.signoz.cloud:443/LOGS/json")]    // paths are case-sensitive
    [InlineData("http://ingest.us.signoz.cloud:443/logs/json")]
    [InlineData("https://ingest.us.signoz.cloud:8443/logs/json")]
    [InlineData("https://ingest.eu.signoz.cloud:443/logs/json")]
    [InlineData("https://ingest.us.signoz.cloud:443/logs/json?tenant=b")]
    public void Different_destinations_get_different_keys(string endpoint) =>
        Assert.NotEqual(ProgressTagKey.ForEndpoint(new Uri("https://ingest.us.signoz.cloud:443/logs/json")), ProgressTagKey.ForEndpoint(new Uri(endpoint)));

    [Theory]
    [InlineData("flowlog-forwarder-progress")]
    [InlineData("team a/progress=1+2@prod:x_y.z")]
    [InlineData("fortschritt-ä")]
    public void S3_tag_keys_are_accepted(string key) => Assert.Null(ProgressTagKey.Problem(key));

    [Theory]
    [InlineData("")]
    [InlineData("aws:cloudformation")]
    [InlineData("a*b")]
    [InlineData("a\tb")]
    [InlineData("a,b")]
    [InlineData("a\"b")]
    public void Keys_S3_refuses_have_a_reason(string key) => Assert.NotNull(ProgressTagKey.Problem(key));
}
