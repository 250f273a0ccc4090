using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FlowLogForwarder.Runtime;

/// <summary>
/// The Lambda Runtime API (2018-06-01) for a custom runtime: fetch the next invocation, post its response or error,
/// or report an initialisation error. Mirrors Amazon.Lambda.RuntimeSupport's RuntimeApiClient, which is not available here.
/// </summary>
/// <param name="http">Sends to the Runtime API; it must have no timeout, since /next waits until an event arrives.</param>
/// <param name="runtimeApi">The host and port in <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
/// <param name="time">The clock for the fallback deadline when Lambda sends none.</param>
public sealed class RuntimeApiClient(HttpClient http, string runtimeApi, TimeProvider time)
{
    // Lambda's longest timeout: the deadline of an invocation whose header is missing.
    private static readonly TimeSpan LongestInvocation = TimeSpan.FromMinutes(15);

    private static readonly MediaTypeHeaderValue ErrorContentType = new("application/vnd.aws.lambda.error+json");
    private readonly Uri _base = new($"http://{runtimeApi}/2018-06-01/");

    /// <summary>Waits (without a timeout: Lambda freezes the process between invocations) for the next event.</summary>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(_base, "runtime/invocation/next"), HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id") ?? throw new InvalidOperationException("the Runtime API sent no request id");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : time.GetUtcNow() + LongestInvocation;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new LambdaInvocation(requestId, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn"),
            Header(response, "Lambda-Runtime-Trace-Id"), body);
    }

    /// <summary>Posts the invocation's result.</summary>
    public async Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(_base, $"runtime/invocation/{Uri.EscapeDataString(requestId)}/response"), content, cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reports that the invocation failed, so Lambda retries it or sends it to the on-failure destination.</summary>
    public Task PostErrorAsync(string requestId, string errorType, string message, CancellationToken cancellationToken) =>
        PostErrorToAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", errorType, message, cancellationToken);

    /// <summary>Reports that start-up failed; the process should exit afterwards.</summary>
    public Task PostInitErrorAsync(string errorType, string message, CancellationToken cancellationToken) =>
        PostErrorToAsync("runtime/init/error", errorType, message, cancellationToken);

    private async Task PostErrorToAsync(string path, string errorType, string message, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", errorType);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = ErrorContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path)) { Content = content };
        request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;
}
