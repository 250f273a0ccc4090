namespace FlowLogForwarder.TestSupport;

/// <summary>Paths in the repository the tests run from, found by walking up from the test's own directory.</summary>
public static class RepoPaths
{
    /// <summary>The folder that holds FlowLogForwarder.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Native AOT bootstrap published by <c>make publish</c>.</summary>
    public static string Bootstrap => Path.Combine(Root, "artifacts", "lambda", "bootstrap");

    /// <summary>The bundled VPC flow log samples (gzip, as AWS delivers them), in name order.</summary>
    public static IReadOnlyList<string> Samples =>
        [.. Directory.GetFiles(Path.Combine(Root, "tests", "samples"), "*.log.gz").Order(StringComparer.Ordinal)];

    /// <summary>A path below the repository root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowLogForwarder.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("FlowLogForwarder.sln not found above the test directory");
    }
}
