using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>One S3 request as it reached the proxy.</summary>
internal sealed record S3Call(string Method, string Bucket, string PathAndQuery, string? ExpectedBucketOwner);

/// <summary>
/// A loopback proxy in front of moto's S3 that records every request's <c>x-amz-expected-bucket-owner</c> header and
/// applies S3's bucket owner condition, which moto 5.2.1 does not (its server never reads the header): when the header
/// names an account other than the bucket's owner given here, it answers as AWS documents, 403 AccessDenied, without
/// forwarding. Everything else is forwarded to moto unchanged, so objects and tags are moto's.
/// </summary>
internal sealed class S3OwnerConditionProxy : IAsyncDisposable
{
    private const string OwnerHeader = "x-amz-expected-bucket-owner";
    private readonly WebApplication _app;
    private readonly HttpClient _moto;
    private readonly IReadOnlyDictionary<string, string> _owners;
    private readonly ConcurrentQueue<S3Call> _calls = new();

    private S3OwnerConditionProxy(WebApplication app, string motoEndpoint, IReadOnlyDictionary<string, string> owners)
    {
        _app = app;
        _moto = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri(motoEndpoint),
            Timeout = TimeSpan.FromSeconds(30),
        };
        _owners = owners;
    }

    /// <summary>The S3 service URL to give the code under test.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<S3Call> Calls => [.. _calls];

    /// <summary>Starts the proxy on an ephemeral loopback port; <paramref name="owners"/> maps bucket to owning account.</summary>
    public static async Task<S3OwnerConditionProxy> StartAsync(string motoEndpoint, IReadOnlyDictionary<string, string> owners)
    {
        var app = LoopbackHost.Create();
        var proxy = new S3OwnerConditionProxy(app, motoEndpoint, owners);
        proxy.Endpoint = (await LoopbackHost.StartAsync(app, proxy.HandleAsync)).ToString().TrimEnd('/').Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        _moto.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var bucket = path.TrimStart('/').Split('/')[0]; // path-style addressing
        var expected = context.Request.Headers[OwnerHeader].FirstOrDefault();
        _calls.Enqueue(new S3Call(context.Request.Method, bucket, path + context.Request.QueryString, expected));

        if (expected is not null && _owners.TryGetValue(bucket, out var owner) && owner != expected)
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>proxy</RequestId></Error>");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path + context.Request.QueryString);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        request.Content = new ByteArrayContent(body.ToArray());
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        using var response = await _moto.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }
        await response.Content.CopyToAsync(context.Response.Body);
    }
}
