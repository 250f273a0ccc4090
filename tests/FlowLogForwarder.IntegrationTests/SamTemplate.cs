using System.Text.Json;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>template.yaml after the SAM transform, as CloudFormation sees it (tests/lint/sam_to_json.py).</summary>
internal static class SamTemplate
{
    /// <param name="parameters">Name=Value template parameters (the defaults otherwise).</param>
    public static async Task<JsonElement> TransformAsync(params string[] parameters)
    {
        var result = await ToolProcess.RunAsync("python3", "install Python 3 and cfn-lint (pip install cfn-lint)", TimeSpan.FromMinutes(2),
            ["tests/lint/sam_to_json.py", "template.yaml", .. parameters]);
        Assert.True(result.Exit == 0, $"the SAM transform failed (needs cfn-lint and aws-sam-translator: pip install cfn-lint): {result.Stderr}");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }
}
