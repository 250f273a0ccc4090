using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Tests.Configuration;

/// <summary>The CLI's flags reach the loader as explicit overrides; the environment is read, never changed.</summary>
public class ConfigurationOverridesTests
{
    private static ForwarderOptions Load(ConfigurationOverrides overrides, params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ForwarderOptions.Load(name => map.GetValueOrDefault(name), overrides);
    }

    [Fact]
    public void AllowHttp_allows_an_http_endpoint_without_the_variable()
    {
        var options = Load(new ConfigurationOverrides { Endpoint = "http://127.0.0.1:4318/logs/json", AllowHttp = true });
        Assert.True(options.AllowHttp);
        Assert.Equal("http", options.Endpoint!.Scheme);
    }

    [Fact]
    public void Without_AllowHttp_an_http_endpoint_is_still_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(new ConfigurationOverrides { Endpoint = "http://127.0.0.1:4318/logs/json" }));
        Assert.Equal("SIGNOZ_ENDPOINT", error.Variable);
    }

    [Fact]
    public void The_endpoint_override_wins_over_the_variable()
    {
        var options = Load(new ConfigurationOverrides { Endpoint = "https://ingest.eu.signoz.cloud:443/logs/json" },
            ("SIGNOZ_ENDPOINT", "https://ingest.us.signoz.cloud:443/logs/json"));
        Assert.Equal("ingest.eu.signoz.cloud", options.Endpoint!.Host);
    }

    [Fact]
    public void A_bad_SIGNOZ_ALLOW_HTTP_fails_even_when_the_flag_allows_http()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(new ConfigurationOverrides { AllowHttp = true },
            ("SIGNOZ_ENDPOINT", "https://x/logs/json"), ("SIGNOZ_ALLOW_HTTP", "maybe")));
        Assert.Equal("SIGNOZ_ALLOW_HTTP", error.Variable);
    }
}
