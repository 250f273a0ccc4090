namespace FlowLogForwarder.IntegrationTests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The Native AOT bootstrap published by <c>make publish</c>.</summary>
    public static string Bootstrap => Path.Combine(Root, "artifacts", "lambda", "bootstrap");

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
