using System.ComponentModel;
using System.Diagnostics;

namespace FlowLogForwarder.TestSupport;

/// <summary>
/// Writes Parquet flow logs with DuckDB (tests/parquet/write-parquet.mjs, pinned by its package-lock.json), a writer
/// independent of the reader under test: AWS's column names (underscores) and types (int32, int64, string, nullable).
/// </summary>
public static class DuckDbParquet
{
    private static readonly string Script = RepoPaths.Of("tests", "parquet", "write-parquet.mjs");

    /// <summary>Converts a text flow log (header line, then records; <c>-</c> for absent) to Parquet at <paramref name="output"/>.</summary>
    /// <param name="text">The flow log as text.</param>
    /// <param name="output">The Parquet file to write.</param>
    /// <param name="rowGroupSize">Rows per row group.</param>
    /// <param name="types">DuckDB types overriding AWS's for some columns (by AWS name), for a wrong schema.</param>
    public static async Task WriteAsync(string text, string output, int rowGroupSize = 122_880, params (string Column, string Type)[] types)
    {
        var input = output + ".txt";
        await File.WriteAllTextAsync(input, text);
        try
        {
            string[] args = ["--input", input, "--output", output, "--row-group-size", rowGroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. types.SelectMany(t => new[] { "--type", $"{t.Column}={t.Type}" })];
            await RunAsync(args);
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Converts the text flow log in the file <paramref name="input"/> (header line, then records; <c>-</c> for
    /// absent, an empty field for an empty string) to Parquet at <paramref name="output"/>, for logs too large to hold as one string.</summary>
    /// <param name="input">The flow log as a text file (UTF-8).</param>
    /// <param name="output">The Parquet file to write.</param>
    /// <param name="rowGroupSize">Rows per row group.</param>
    /// <param name="compression">DuckDB's codec: uncompressed, snappy, gzip, zstd, lz4 (written as LZ4_RAW) or brotli.</param>
    /// <param name="parquetVersion">V1 (PLAIN for columns not dictionary-encoded) or V2 (DELTA_BINARY_PACKED and
    /// DELTA_LENGTH_BYTE_ARRAY for them).</param>
    public static Task WriteFileAsync(string input, string output, int rowGroupSize = 122_880, string compression = "gzip", string parquetVersion = "V1") =>
        RunAsync(["--input", input, "--output", output, "--row-group-size", rowGroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--compression", compression, "--parquet-version", parquetVersion]);

    /// <summary>Writes <paramref name="rows"/> synthetic v5 records (AWS-like values) to <paramref name="output"/>.</summary>
    public static Task GenerateAsync(int rows, string output, int rowGroupSize = 122_880) =>
        RunAsync(["--generate", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", output,
            "--row-group-size", rowGroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    private static async Task RunAsync(string[] args)
    {
        if (!Directory.Exists(RepoPaths.Of("tests", "parquet", "node_modules", "@duckdb", "node-api")))
        {
            throw new InvalidOperationException("DuckDB for the Parquet fixtures is not installed: run 'make test-tools' (npm ci --prefix tests/parquet)");
        }
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("node is not installed: install Node.js 20 or later, then run 'make test-tools'", ex);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"write-parquet.mjs {string.Join(' ', args)} ran longer than 3 minutes");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"write-parquet.mjs failed ({process.ExitCode}): {await stderr}{await stdout}");
            }
        }
    }
}
