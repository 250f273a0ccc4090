using FlowLogForwarder.TestSupport;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowLogForwarder.Logging;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Dashboards;

/// <summary>
/// The SigNoz dashboard under <c>dashboards/</c>: it must have the shape SigNoz's "Import JSON" takes (the v5 dashboard
/// schema of SigNoz/dashboards), and every key it queries must be one the forwarder really writes, checked against
/// the records the real pipeline produces from the bundled samples (and, for the health panel, against the real
/// per-object summary log line).
/// </summary>
public partial class DashboardTests
{
    // Panel types that occur in SigNoz's published v5 dashboards (SigNoz/dashboards, */v1/*.json).
    private static readonly HashSet<string> PanelTypes = ["graph", "value", "table", "pie", "list", "bar", "row"];
    private static readonly HashSet<string> VariableTypes = ["DYNAMIC", "QUERY", "CUSTOM", "TEXTBOX"];
    private static readonly HashSet<string> DynamicSources = ["Logs", "Traces", "Metrics", "All telemetry"];
    private static readonly HashSet<string> FilterKeywords =
        new(["AND", "OR", "NOT", "IN", "EXISTS", "LIKE", "ILIKE", "CONTAINS", "REGEXP", "BETWEEN", "HAS", "HASANY", "HASALL", "TRUE", "FALSE"],
            StringComparer.OrdinalIgnoreCase);
    private const int GridColumns = 12;

    private static JsonElement LoadDashboard()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoPaths.Of("dashboards", "vpc-flow-logs.json")));
        return document.RootElement.Clone();
    }

    private static List<JsonElement> Widgets(JsonElement dashboard) => [.. dashboard.GetProperty("widgets").EnumerateArray()];

    private static IEnumerable<JsonElement> PanelWidgets(JsonElement dashboard) =>
        Widgets(dashboard).Where(w => w.GetProperty("panelTypes").GetString() != "row");

    private static IEnumerable<(string Widget, JsonElement Query)> BuilderQueries(JsonElement dashboard) =>
        PanelWidgets(dashboard).SelectMany(w => w.GetProperty("query").GetProperty("builder").GetProperty("queryData").EnumerateArray()
            .Select(q => (w.GetProperty("title").GetString()!, q)));

    // ---------------------------------------------------------------- structure

    [Fact]
    public void Has_the_top_level_keys_of_a_SigNoz_v5_dashboard()
    {
        var d = LoadDashboard();

        Assert.Equal(JsonValueKind.Object, d.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("title").GetString()));
        Assert.Equal(JsonValueKind.String, d.GetProperty("description").ValueKind);
        Assert.All(d.GetProperty("tags").EnumerateArray(), t => Assert.Equal(JsonValueKind.String, t.ValueKind));
        Assert.Equal(JsonValueKind.Array, d.GetProperty("layout").ValueKind);
        Assert.Equal(JsonValueKind.Object, d.GetProperty("variables").ValueKind);
        Assert.Equal("v5", d.GetProperty("version").GetString());
        Assert.NotEmpty(d.GetProperty("widgets").EnumerateArray());
    }

    [Fact]
    public void Every_widget_has_one_layout_entry_and_every_layout_entry_a_widget_on_a_12_column_grid()
    {
        var d = LoadDashboard();
        var widgetIds = Widgets(d).Select(w => w.GetProperty("id").GetString()!).ToList();
        var layout = d.GetProperty("layout").EnumerateArray().ToList();
        var layoutIds = layout.Select(l => l.GetProperty("i").GetString()!).ToList();

        Assert.All(widgetIds, id => Assert.False(string.IsNullOrWhiteSpace(id)));
        Assert.Equal(widgetIds.Count, widgetIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(layoutIds.Count, layoutIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(widgetIds.Order(StringComparer.Ordinal), layoutIds.Order(StringComparer.Ordinal));

        var boxes = layout.Select(l => (Id: l.GetProperty("i").GetString()!, X: l.GetProperty("x").GetInt32(), Y: l.GetProperty("y").GetInt32(),
            W: l.GetProperty("w").GetInt32(), H: l.GetProperty("h").GetInt32())).ToList();
        foreach (var b in boxes)
        {
            Assert.True(b.X >= 0 && b.Y >= 0 && b.W > 0 && b.H > 0 && b.X + b.W <= GridColumns, $"layout entry {b.Id} is off the grid");
        }
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                var overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"panels {a.Id} and {b.Id} overlap");
            }
        }
    }

    [Fact]
    public void Every_widget_is_a_known_panel_type_with_a_builder_query_on_logs()
    {
        var d = LoadDashboard();

        foreach (var w in Widgets(d))
        {
            var title = w.GetProperty("title").GetString();
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.Contains(w.GetProperty("panelTypes").GetString()!, PanelTypes);
            if (w.GetProperty("panelTypes").GetString() == "row")
            {
                continue;
            }
            var query = w.GetProperty("query");
            Assert.Equal("builder", query.GetProperty("queryType").GetString());
            Assert.False(string.IsNullOrWhiteSpace(query.GetProperty("id").GetString()));
            var queryData = query.GetProperty("builder").GetProperty("queryData").EnumerateArray().ToList();
            Assert.NotEmpty(queryData);
            Assert.Equal(JsonValueKind.Array, query.GetProperty("builder").GetProperty("queryFormulas").ValueKind);
            var names = queryData.Select(q => q.GetProperty("queryName").GetString()).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());

            foreach (var q in queryData)
            {
                var where = $"{title} / {q.GetProperty("queryName").GetString()}";
                Assert.True(q.GetProperty("dataSource").GetString() == "logs", $"{where}: dataSource is not logs");
                Assert.False(string.IsNullOrWhiteSpace(q.GetProperty("queryName").GetString()), where);
                Assert.Equal(q.GetProperty("queryName").GetString(), q.GetProperty("expression").GetString());
                var aggregations = q.GetProperty("aggregations").EnumerateArray().Select(a => a.GetProperty("expression").GetString()!).ToList();
                Assert.NotEmpty(aggregations);
                Assert.Equal(JsonValueKind.String, q.GetProperty("filter").GetProperty("expression").ValueKind);
                Assert.Equal(JsonValueKind.String, q.GetProperty("having").GetProperty("expression").ValueKind);
                var groupBy = q.GetProperty("groupBy").EnumerateArray().ToList();
                foreach (var g in groupBy)
                {
                    Assert.False(string.IsNullOrWhiteSpace(g.GetProperty("key").GetString()), where);
                    Assert.Contains(g.GetProperty("type").GetString()!, (string[])["tag", "resource"]);
                    Assert.Contains(g.GetProperty("dataType").GetString()!, (string[])["string", "float64", "int64", "bool"]);
                }
                foreach (var o in q.GetProperty("orderBy").EnumerateArray())
                {
                    Assert.Contains(o.GetProperty("columnName").GetString()!, aggregations);
                    Assert.Contains(o.GetProperty("order").GetString()!, (string[])["asc", "desc"]);
                }
                var groupKeys = groupBy.Select(g => g.GetProperty("key").GetString()!).ToHashSet(StringComparer.Ordinal);
                foreach (Match m in LegendReference().Matches(q.GetProperty("legend").GetString()!))
                {
                    Assert.True(groupKeys.Contains(m.Groups[1].Value), $"{where}: legend names {m.Value}, which is not grouped by");
                }
            }
        }
    }

    [Fact]
    public void Variables_are_well_formed_and_every_reference_names_one()
    {
        var d = LoadDashboard();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in d.GetProperty("variables").EnumerateObject())
        {
            var v = property.Value;
            Assert.Equal(property.Name, v.GetProperty("id").GetString());
            var type = v.GetProperty("type").GetString()!;
            Assert.Contains(type, VariableTypes);
            var name = v.GetProperty("name").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(name));
            Assert.True(names.Add(name), $"variable {name} is defined twice");
            switch (type)
            {
                case "DYNAMIC":
                    Assert.Contains(v.GetProperty("dynamicVariablesSource").GetString()!, DynamicSources);
                    Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("dynamicVariablesAttribute").GetString()));
                    break;
                case "QUERY":
                    Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("queryValue").GetString()));
                    break;
                case "CUSTOM":
                    Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("customValue").GetString()));
                    break;
            }
        }

        var text = File.ReadAllText(RepoPaths.Of("dashboards", "vpc-flow-logs.json"));
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (widget, q) in BuilderQueries(d))
        {
            foreach (Match m in VariableReference().Matches(q.GetProperty("filter").GetProperty("expression").GetString()!))
            {
                Assert.True(names.Contains(m.Groups[1].Value), $"{widget}: ${m.Groups[1].Value} is not a dashboard variable");
                used.Add(m.Groups[1].Value);
            }
        }
        foreach (Match m in TemplateVariableReference().Matches(text))
        {
            Assert.True(names.Contains(m.Groups[1].Value), $"{{{{.{m.Groups[1].Value}}}}} is not a dashboard variable");
            used.Add(m.Groups[1].Value);
        }
        Assert.Empty(names.Except(used));
        Assert.Equal(["aws.vpc.id", "cloud.account.id", "cloud.region"], names.Order(StringComparer.Ordinal));
    }

    // ---------------------------------------------------------------- keys against real output

    [Fact]
    public void Declares_the_naming_mode_its_keys_are_checked_in()
    {
        Assert.Contains("FLOWLOG_ATTRIBUTE_NAMING=otel", LoadDashboard().GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_key_it_queries_is_one_the_OpenTelemetry_mapping_writes_with_its_kind_and_type()
    {
        var produced = await ProducedByMappingAsync(AttributeNaming.OpenTelemetry);
        var summary = await ProducedBySummaryLineAsync();
        var queried = QueriedKeys(LoadDashboard()).ToList();

        var problems = Check(queried, produced, summary);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // The check is not vacuous: it saw the flow keys of every panel and the health panel's summary keys.
        Assert.Contains(queried, k => k.Key == "aws.vpc.flow.bytes" && k.Numeric);
        Assert.Contains(queried, k => k.Key == "cloud.account.id" && k.Kind == KeyKind.Resource);
        Assert.Contains(queried, k => k.Key == "aws.vpc.flow.status" && k.Literals.Contains("SKIPDATA"));
        Assert.Contains(queried, k => k.Key == "summary.recordsFailed");
    }

    [Fact]
    public async Task The_same_keys_fail_the_check_against_the_AWS_naming_mode()
    {
        // Proves the check can fail: under AWS's own names (srcaddr, bytes, ...) the OpenTelemetry keys are not written.
        var produced = await ProducedByMappingAsync(AttributeNaming.Aws);
        var summary = await ProducedBySummaryLineAsync();

        var problems = Check(QueriedKeys(LoadDashboard()).ToList(), produced, summary);

        Assert.Contains(problems, p => p.Contains("'source.address'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'aws.vpc.flow.bytes'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_misspelt_key_a_wrong_kind_or_an_unseen_value_is_reported()
    {
        var produced = await ProducedByMappingAsync(AttributeNaming.OpenTelemetry);
        var summary = await ProducedBySummaryLineAsync();
        QueriedKey[] wrong =
        [
            new("w", "A", "aws.vpc.flow.byte", "aggregation", null, null, true, []),
            new("w", "A", "cloud.region", "groupBy", KeyKind.Attribute, "string", false, []),
            new("w", "A", "destination.port", "groupBy", KeyKind.Attribute, "string", false, []),
            new("w", "A", "aws.vpc.flow.action", "filter", null, null, false, ["DROP"]),
            new("w", "B", "summary.recordsLost", "aggregation", null, null, true, []),
        ];

        var problems = Check(wrong, produced, summary);

        Assert.Equal(5, problems.Count);
    }

    // ---------------------------------------------------------------- what the forwarder writes

    internal enum KeyKind { Attribute, Resource }

    /// <summary>What the real output holds under one key: as attribute and/or resource, its SigNoz data types, its string values.</summary>
    internal sealed class ProducedField
    {
        public HashSet<KeyKind> Kinds { get; } = [];
        public HashSet<string> DataTypes { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Values { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One key the dashboard queries, where, and what it claims about it.</summary>
    internal sealed record QueriedKey(string Widget, string Query, string Key, string Where, KeyKind? Kind, string? DataType, bool Numeric,
        IReadOnlyList<string> Literals);

    /// <summary>Runs the real pipeline over every bundled sample and collects the attribute and resource keys it writes.</summary>
    private static async Task<Dictionary<string, ProducedField>> ProducedByMappingAsync(AttributeNaming naming)
    {
        var produced = new Dictionary<string, ProducedField>(StringComparer.Ordinal);
        Assert.NotEmpty(RepoPaths.Samples);
        foreach (var sample in RepoPaths.Samples)
        {
            await using var input = File.OpenRead(sample);
            var key = $"AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/{Path.GetFileName(sample)}";
            var (summary, records, _) = await TestHelpers.RunAsync(input, new PipelineOptions { Naming = naming }, key);
            Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
            Assert.NotEmpty(records);
            foreach (var record in records)
            {
                Collect(produced, record.GetProperty("attributes"), KeyKind.Attribute, prefix: "");
                Collect(produced, record.GetProperty("resources"), KeyKind.Resource, prefix: "");
            }
        }
        return produced;
    }

    /// <summary>The fields of the real per-object summary line the function logs (JsonLog.Summary), nested names joined with '.'.</summary>
    private static async Task<Dictionary<string, ProducedField>> ProducedBySummaryLineAsync()
    {
        await using var input = File.OpenRead(RepoPaths.Samples[0]);
        var (summary, _, _) = await TestHelpers.RunAsync(input);
        using var output = new StringWriter();
        new JsonLog(output, TimeProvider.System).Summary(summary, "flow-bucket", "request-1");
        using var line = JsonDocument.Parse(output.ToString());
        var produced = new Dictionary<string, ProducedField>(StringComparer.Ordinal);
        Collect(produced, line.RootElement, KeyKind.Attribute, prefix: "");
        return produced;
    }

    private static void Collect(Dictionary<string, ProducedField> produced, JsonElement map, KeyKind kind, string prefix)
    {
        foreach (var property in map.EnumerateObject())
        {
            var name = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Collect(produced, property.Value, kind, name + ".");
                continue;
            }
            var dataType = property.Value.ValueKind switch
            {
                JsonValueKind.Number => "float64", // SigNoz stores JSON numbers as float64 number attributes.
                JsonValueKind.String => "string",
                JsonValueKind.True or JsonValueKind.False => "bool",
                _ => null,
            };
            if (dataType is null)
            {
                continue; // arrays and nulls are not queryable attributes
            }
            if (!produced.TryGetValue(name, out var field))
            {
                produced[name] = field = new ProducedField();
            }
            field.Kinds.Add(kind);
            field.DataTypes.Add(dataType);
            if (dataType == "string")
            {
                field.Values.Add(property.Value.GetString()!);
            }
        }
    }

    // ---------------------------------------------------------------- what the dashboard queries

    /// <summary>Every key in group-bys, aggregations, filter expressions (with the literals compared to it) and dynamic variables.</summary>
    private static IEnumerable<QueriedKey> QueriedKeys(JsonElement dashboard)
    {
        foreach (var (widget, q) in BuilderQueries(dashboard))
        {
            var name = q.GetProperty("queryName").GetString()!;
            foreach (var aggregation in q.GetProperty("aggregations").EnumerateArray())
            {
                foreach (Match call in AggregationCall().Matches(aggregation.GetProperty("expression").GetString()!))
                {
                    var function = call.Groups["fn"].Value.ToUpperInvariant();
                    var argument = call.Groups["arg"].Value.Trim();
                    if (argument.Length > 0)
                    {
                        yield return new QueriedKey(widget, name, argument, "aggregation", null, null,
                            Numeric: function is not ("COUNT" or "COUNT_DISTINCT"), []);
                    }
                }
            }
            foreach (var g in q.GetProperty("groupBy").EnumerateArray())
            {
                var kind = g.GetProperty("type").GetString() == "resource" ? KeyKind.Resource : KeyKind.Attribute;
                yield return new QueriedKey(widget, name, g.GetProperty("key").GetString()!, "groupBy", kind,
                    g.GetProperty("dataType").GetString(), false, []);
            }
            var filter = q.GetProperty("filter").GetProperty("expression").GetString()!;
            var literals = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (Match comparison in Comparison().Matches(filter))
            {
                var values = QuotedLiteral().Matches(comparison.Groups["value"].Value).Select(m => m.Groups[1].Value);
                var keyName = comparison.Groups["key"].Value;
                if (!literals.TryGetValue(keyName, out var list))
                {
                    literals[keyName] = list = [];
                }
                list.AddRange(values);
            }
            var bare = VariableReference().Replace(QuotedLiteral().Replace(filter, " "), " ");
            foreach (var identifier in Identifier().Matches(bare).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (!FilterKeywords.Contains(identifier))
                {
                    yield return new QueriedKey(widget, name, identifier, "filter", null, null, false,
                        literals.TryGetValue(identifier, out var l) ? l : []);
                }
            }
        }
        foreach (var v in dashboard.GetProperty("variables").EnumerateObject().Select(p => p.Value))
        {
            if (v.GetProperty("type").GetString() == "DYNAMIC")
            {
                yield return new QueriedKey($"variable {v.GetProperty("name").GetString()}", "", v.GetProperty("dynamicVariablesAttribute").GetString()!,
                    "variable", null, null, false, []);
            }
        }
    }

    /// <summary>
    /// Checks each queried key against what is really written. A query whose keys include <c>summary.*</c> reads the
    /// function's own summary line; every other query reads the flow records.
    /// </summary>
    private static List<string> Check(IReadOnlyList<QueriedKey> queried, Dictionary<string, ProducedField> flowRecords,
        Dictionary<string, ProducedField> summaryLine)
    {
        var summaryQueries = queried.Where(k => k.Key.StartsWith("summary.", StringComparison.Ordinal))
            .Select(k => (k.Widget, k.Query)).ToHashSet();
        var problems = new List<string>();
        foreach (var k in queried)
        {
            var fromSummary = summaryQueries.Contains((k.Widget, k.Query));
            var source = fromSummary ? summaryLine : flowRecords;
            var where = $"'{k.Widget}' {k.Query} {k.Where}: '{k.Key}'";
            if (!source.TryGetValue(k.Key, out var field))
            {
                problems.Add($"{where} is not written {(fromSummary ? "in the summary log line" : "by the mapping")}");
                continue;
            }
            if (k.Kind is { } kind && !field.Kinds.Contains(kind))
            {
                problems.Add($"{where} is queried as {kind} but written as {string.Join("/", field.Kinds)}");
            }
            if (k.DataType is { } dataType && !field.DataTypes.Contains(dataType))
            {
                problems.Add($"{where} is queried as {dataType} but written as {string.Join("/", field.DataTypes)}");
            }
            if (k.Numeric && !field.DataTypes.Contains("float64"))
            {
                problems.Add($"{where} is aggregated as a number but written as {string.Join("/", field.DataTypes)}");
            }
            foreach (var literal in k.Literals.Where(l => !field.Values.Contains(l)))
            {
                problems.Add($"{where} is compared with '{literal}', a value the samples never produce");
            }
        }
        return problems;
    }

    [GeneratedRegex(@"\{\{([A-Za-z0-9_.]+)\}\}")]
    private static partial Regex LegendReference();

    [GeneratedRegex(@"\$([A-Za-z0-9_.]+)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\{\{\.([A-Za-z0-9_.]+)\}\}")]
    private static partial Regex TemplateVariableReference();

    [GeneratedRegex(@"(?<fn>[A-Za-z_][A-Za-z0-9_]*)\(\s*(?<arg>[^)]*?)\s*\)")]
    private static partial Regex AggregationCall();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_.]*)\s*(?:!=|=|NOT\s+IN|IN)\s*(?<value>\([^)]*\)|'[^']*')", RegexOptions.IgnoreCase)]
    private static partial Regex Comparison();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedLiteral();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_.]*")]
    private static partial Regex Identifier();
}
