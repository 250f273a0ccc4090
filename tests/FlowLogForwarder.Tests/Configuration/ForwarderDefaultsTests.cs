using FlowLogForwarder.TestSupport;
using System.Globalization;
using System.Text.RegularExpressions;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Configuration;

/// <summary>Each default is written once (<see cref="ForwarderDefaults"/>); the loader, the option records and the
/// README's configuration table all show that one value.</summary>
public partial class ForwarderDefaultsTests
{
    private const string Endpoint = "https://ingest.us.signoz.cloud:443/logs/json";

    private static ForwarderOptions LoadDefaults() => ForwarderOptions.Load(n => n == "SIGNOZ_ENDPOINT" ? Endpoint : null);

    public static TheoryData<string, string> Defaults => new()
    {
        { "SIGNOZ_ALLOW_HTTP", ForwarderDefaults.AllowHttp ? "true" : "false" },
        { "SIGNOZ_MAX_ATTEMPTS", Text(ForwarderDefaults.MaxAttempts.Default) },
        { "SIGNOZ_ATTEMPT_TIMEOUT_SECONDS", Text(ForwarderDefaults.AttemptTimeoutSeconds.Default) },
        { "SIGNOZ_COMPRESSION", ForwarderDefaults.Compression.ToString().ToLowerInvariant() },
        { "SIGNOZ_PROTOCOL", ForwarderDefaults.Protocol.ToString().ToLowerInvariant() },
        { "FLOWLOG_ATTRIBUTE_NAMING", ForwarderDefaults.Naming == AttributeNaming.OpenTelemetry ? "otel" : "aws" },
        { "FLOWLOG_BODY", ForwarderDefaults.Body.ToString().ToLowerInvariant() },
        { "FLOWLOG_FORMAT", ForwarderDefaults.Format },
        { "FLOWLOG_SERVICE_NAME", ForwarderDefaults.ServiceName },
        { "FLOWLOG_BATCH_MAX_BYTES", Text(ForwarderDefaults.BatchMaxBytes.Default) },
        { "FLOWLOG_BATCH_MAX_RECORDS", Text(ForwarderDefaults.BatchMaxRecords.Default) },
        { "FLOWLOG_MAX_IN_FLIGHT", Text(ForwarderDefaults.MaxInFlight.Default) },
        { "FLOWLOG_MAX_LINE_BYTES", Text(ForwarderDefaults.MaxLineBytes.Default) },
        { "FLOWLOG_MAX_OBJECT_BYTES", Text(ForwarderDefaults.MaxObjectBytes.Default) },
        { "FLOWLOG_RESUME", ForwarderDefaults.Resume ? "true" : "false" },
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Defaults))]
    public void The_README_configuration_table_shows_the_default_the_code_uses(string variable, string expected)
    {
        // The configuration table comes first; a later table may head a column with a variable's name (performance).
        var rows = ReadmeRow().Matches(File.ReadAllText(Readme())).DistinctBy(m => m.Groups["name"].Value)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Value);
        Assert.True(rows.TryGetValue(variable, out var shown), $"README's configuration table has no row for {variable}");
        Assert.Equal($"`{expected}`", shown);
    }

    [Fact]
    public void The_option_records_start_from_the_defaults_the_loader_falls_back_to()
    {
        var options = LoadDefaults();
        Assert.Equal(new PipelineOptions(), options.Pipeline);
        Assert.Equal(new SigNozClientOptions { Endpoint = new Uri(Endpoint) }, options.ClientOptions(null));
        Assert.Equal(ForwarderDefaults.MaxObjectBytes.Default, options.MaxObjectBytes);
        Assert.Equal(ForwarderDefaults.Resume, options.Resume);
        Assert.Equal(ForwarderDefaults.AllowHttp, options.AllowHttp);
    }

    public static TheoryData<string, long, long> Ranges => new()
    {
        { ForwarderDefaults.MaxAttempts.Variable, ForwarderDefaults.MaxAttempts.Min, ForwarderDefaults.MaxAttempts.Max },
        { ForwarderDefaults.AttemptTimeoutSeconds.Variable, ForwarderDefaults.AttemptTimeoutSeconds.Min, ForwarderDefaults.AttemptTimeoutSeconds.Max },
        { ForwarderDefaults.BatchMaxBytes.Variable, ForwarderDefaults.BatchMaxBytes.Min, ForwarderDefaults.BatchMaxBytes.Max },
        { ForwarderDefaults.BatchMaxRecords.Variable, ForwarderDefaults.BatchMaxRecords.Min, ForwarderDefaults.BatchMaxRecords.Max },
        { ForwarderDefaults.MaxInFlight.Variable, ForwarderDefaults.MaxInFlight.Min, ForwarderDefaults.MaxInFlight.Max },
        { ForwarderDefaults.MaxLineBytes.Variable, ForwarderDefaults.MaxLineBytes.Min, ForwarderDefaults.MaxLineBytes.Max },
        { ForwarderDefaults.MaxObjectBytes.Variable, ForwarderDefaults.MaxObjectBytes.Min, ForwarderDefaults.MaxObjectBytes.Max },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_loader_accepts_exactly_the_range_of_each_number_setting(string variable, long min, long max)
    {
        ForwarderOptions Load(string value) => ForwarderOptions.Load(n => n == "SIGNOZ_ENDPOINT" ? Endpoint : n == variable ? value : null);
        Load(Text(min));
        Load(Text(max));
        Assert.Equal(variable, Assert.Throws<ConfigurationException>(() => Load(Text(min - 1))).Variable);
        if (max < long.MaxValue)
        {
            Assert.Equal(variable, Assert.Throws<ConfigurationException>(() => Load(Text(max + 1))).Variable);
        }
    }

    [Fact]
    public void The_batch_size_ceiling_stays_under_SigNoz_Clouds_16_MB_limit() =>
        Assert.True(ForwarderDefaults.BatchMaxBytes.Max < 16_000_000);

    // | `VARIABLE` | default | meaning |
    [GeneratedRegex(@"^\| `(?<name>[A-Z0-9_]+)` \| (?<default>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();

    private static string Readme() => RepoPaths.Of("README.md");
}
