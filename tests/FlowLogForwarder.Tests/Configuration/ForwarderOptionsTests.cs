using FlowLogForwarder.Delivery;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Tests.Configuration;

public class ForwarderOptionsTests
{
    private static ForwarderOptions Load(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ForwarderOptions.Load(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void Defaults_apply_when_only_the_endpoint_is_set()
    {
        var options = Load(("SIGNOZ_ENDPOINT", "https://ingest.us.signoz.cloud:443/logs/json"));
        Assert.Equal(1024 * 1024, options.Pipeline.MaxBatchBytes);
        Assert.Equal(10_000, options.Pipeline.MaxBatchRecords);
        Assert.Equal(AttributeNaming.OpenTelemetry, options.Pipeline.Naming);
        Assert.Equal(6, options.MaxAttempts);
        Assert.False(options.AllowHttp);
    }

    [Theory]
    [InlineData("SIGNOZ_ENDPOINT", "not a url")]
    [InlineData("SIGNOZ_ENDPOINT", "ftp://host/logs")]
    [InlineData("SIGNOZ_ENDPOINT", "http://collector.internal:8082/")]
    [InlineData("SIGNOZ_ENDPOINT", "https://user:pw@ingest.us.signoz.cloud/logs/json")]
    [InlineData("FLOWLOG_BATCH_MAX_BYTES", "16777216")]
    [InlineData("FLOWLOG_BATCH_MAX_BYTES", "-1")]
    [InlineData("FLOWLOG_BATCH_MAX_RECORDS", "0")]
    [InlineData("FLOWLOG_MAX_IN_FLIGHT", "many")]
    [InlineData("FLOWLOG_ATTRIBUTE_NAMING", "ecs")]
    [InlineData("SIGNOZ_ALLOW_HTTP", "maybe")]
    [InlineData("SIGNOZ_MAX_ATTEMPTS", "0")]
    public void A_bad_value_fails_with_a_message_naming_the_variable(string name, string value)
    {
        var variables = new Dictionary<string, string> { ["SIGNOZ_ENDPOINT"] = "https://ingest.us.signoz.cloud:443/logs/json", [name] = value };
        var error = Assert.Throws<ConfigurationException>(() => ForwarderOptions.Load(n => variables.GetValueOrDefault(n)));
        Assert.Equal(name, error.Variable);
        Assert.StartsWith(name + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_endpoint_is_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load());
        Assert.Equal("SIGNOZ_ENDPOINT", error.Variable);
    }

    [Fact]
    public void Plain_http_needs_the_explicit_opt_in()
    {
        var options = Load(("SIGNOZ_ENDPOINT", "http://10.0.0.5:8082/"), ("SIGNOZ_ALLOW_HTTP", "true"));
        Assert.Equal("http", options.Endpoint!.Scheme);
    }

    [Fact]
    public void The_key_never_appears_in_the_description()
    {
        const string Secret = "sk-very-secret-ingestion-key";
        var options = Load(("SIGNOZ_ENDPOINT", "https://ingest.eu.signoz.cloud:443/logs/json"), ("SIGNOZ_INGESTION_KEY", Secret));
        Assert.Equal(Secret, options.IngestionKey);
        Assert.DoesNotContain(Secret, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("key=set", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_and_key_parameter_are_exclusive()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(("SIGNOZ_ENDPOINT", "https://x/logs/json"),
            ("SIGNOZ_INGESTION_KEY", "a"), ("SIGNOZ_INGESTION_KEY_PARAMETER", "/signoz/key")));
        Assert.Equal("SIGNOZ_INGESTION_KEY_PARAMETER", error.Variable);
    }

    [Theory]
    [InlineData("auto", BodyCompression.Auto)]
    [InlineData("GZIP", BodyCompression.Gzip)]
    [InlineData("zstd", BodyCompression.Zstd)]
    [InlineData("none", BodyCompression.None)]
    public void SIGNOZ_COMPRESSION_chooses_how_bodies_are_compressed(string text, BodyCompression expected)
    {
        var options = ForwarderOptions.Load(n => n switch { "SIGNOZ_ENDPOINT" => "https://ingest.us.signoz.cloud:443/logs/json", "SIGNOZ_COMPRESSION" => text, _ => null });
        Assert.Equal(expected, options.ClientOptions(null).Compression);
    }

    [Fact]
    public void An_unknown_compression_is_a_start_up_error_naming_the_variable()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            ForwarderOptions.Load(n => n switch { "SIGNOZ_ENDPOINT" => "https://ingest.us.signoz.cloud:443/logs/json", "SIGNOZ_COMPRESSION" => "brotli", _ => null }));
        Assert.Contains("SIGNOZ_COMPRESSION", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, BodyMode.Line)]
    [InlineData("line", BodyMode.Line)]
    [InlineData("Summary", BodyMode.Summary)]
    [InlineData("none", BodyMode.None)]
    public void FLOWLOG_BODY_chooses_what_the_body_carries(string? text, BodyMode expected)
    {
        var options = ForwarderOptions.Load(n => n == "FLOWLOG_BODY" ? text : null, requireEndpoint: false);
        Assert.Equal(expected, options.Pipeline.Body);
    }

    [Fact]
    public void An_unknown_body_mode_is_a_start_up_error_naming_the_variable()
    {
        var error = Assert.Throws<ConfigurationException>(() => ForwarderOptions.Load(n => n == "FLOWLOG_BODY" ? "short" : null, requireEndpoint: false));
        Assert.Equal("FLOWLOG_BODY", error.Variable);
        Assert.Contains("line, summary or none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_override_body_and_compression_but_a_bad_variable_still_fails()
    {
        var overrides = new ConfigurationOverrides { Body = BodyMode.None, Compression = BodyCompression.Zstd };
        var options = ForwarderOptions.Load(n => n switch { "FLOWLOG_BODY" => "summary", "SIGNOZ_COMPRESSION" => "gzip", _ => null }, overrides, requireEndpoint: false);
        Assert.Equal(BodyMode.None, options.Pipeline.Body);
        Assert.Equal(BodyCompression.Zstd, options.Compression);
        Assert.Throws<ConfigurationException>(() => ForwarderOptions.Load(n => n == "FLOWLOG_BODY" ? "short" : null, overrides, requireEndpoint: false));
    }
}
