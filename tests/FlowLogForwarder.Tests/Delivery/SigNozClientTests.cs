using System.Text;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Delivery;

public sealed class SigNozClientTests : IAsyncLifetime
{
    private const string Key = "test-ingestion-key-0123456789";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(17);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""[{"timestamp":1763805960000000000,"body":"x","attributes":{},"resources":{}}]""");

    private LoopbackSigNozServer _server = null!;
    private readonly HttpClient _http = SigNozClient.CreateHttpClient();
    private readonly RecordingTimeProvider _time = new(AttemptTimeout);

    public async Task InitializeAsync() => _server = await LoopbackSigNozServer.StartAsync(Key);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private SigNozClient Client(string? key = Key, int maxAttempts = 6) => new(_http, new SigNozClientOptions
    {
        Compression = BodyCompression.None, // plain bodies: these tests read what the receiver got
        Endpoint = _server.Endpoint,
        IngestionKey = key,
        MaxAttempts = maxAttempts,
        AttemptTimeout = AttemptTimeout,
        BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(30),
    }, _time);

    [Fact]
    public async Task A_batch_is_posted_as_JSON_with_the_ingestion_key_header()
    {
        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(new DeliveryResult(DeliveryStatus.Delivered, 1, 200, null) { WireBytes = Body.Length }, result);
        Assert.Equal(Key, _server.LastHeaders!["signoz-ingestion-key"]);
        Assert.Equal("application/json", _server.LastHeaders!.ContentType);
        Assert.Equal(Body, Assert.Single(_server.AcceptedBodies));
    }

    [Fact]
    public async Task Throttling_is_retried_after_the_Retry_After_the_server_asked_for()
    {
        _server.Enqueue(new ServerFault.Status(429, RetryAfter: "7"), new ServerFault.Status(429, RetryAfter: "3"));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, _server.Requests);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3)], _time.Delays);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_maximum_delay_is_capped()
    {
        _server.Enqueue(new ServerFault.Status(503, RetryAfter: "3600"));
        var result = await Client().SendAsync(Body, CancellationToken.None);
        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal([TimeSpan.FromSeconds(30)], _time.Delays);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_growing_jittered_backoff()
    {
        // Jitter makes one run's delays random, so growth is judged over several sends.
        const int Sends = 8;
        for (var i = 0; i < Sends; i++)
        {
            _server.Enqueue(new ServerFault.Status(503), new ServerFault.Status(500), new ServerFault.Status(502), new ServerFault.Status(408));
            var result = await Client().SendAsync(Body, CancellationToken.None);
            Assert.Equal(DeliveryStatus.Delivered, result.Status);
            Assert.Equal(5, result.Attempts);
            Assert.Equal(4, result.Retries);
        }

        var delays = _time.Delays;
        Assert.Equal(4 * Sends, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        var first = Enumerable.Range(0, Sends).Average(i => delays[4 * i].TotalMilliseconds);
        var fourth = Enumerable.Range(0, Sends).Average(i => delays[4 * i + 3].TotalMilliseconds);
        Assert.True(fourth > 2 * first, $"backoff should grow: first retries {first:F0} ms on average, fourth {fourth:F0} ms");
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        _server.Enqueue(new ServerFault.Drop(), new ServerFault.Drop());
        var result = await Client().SendAsync(Body, CancellationToken.None);
        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.Single(_server.AcceptedBodies);
    }

    [Fact]
    public async Task Bad_request_is_refused_without_retry_for_the_caller_to_split()
    {
        var result = await Client().SendAsync("[{\"body\":1}]"u8.ToArray(), CancellationToken.None);
        Assert.Equal(DeliveryStatus.Refused, result.Status);
        Assert.Equal(400, result.HttpStatus);
        Assert.Equal(1, _server.Requests);
        Assert.Contains("body is not a string", result.Error, StringComparison.Ordinal);
        Assert.False(result.StopsObject);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_key_is_unauthorized_without_retry_and_the_key_is_not_echoed(string? key)
    {
        var result = await Client(key).SendAsync(Body, CancellationToken.None);
        Assert.Equal(DeliveryStatus.Unauthorized, result.Status);
        Assert.Equal(1, _server.Requests);
        Assert.True(result.StopsObject);
        Assert.DoesNotContain(Key, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_and_not_found_are_not_retried()
    {
        _server.Enqueue(new ServerFault.Status(403), new ServerFault.Status(404));
        Assert.Equal(DeliveryStatus.Unauthorized, (await Client().SendAsync(Body, CancellationToken.None)).Status);
        Assert.Equal(DeliveryStatus.NotFound, (await Client().SendAsync(Body, CancellationToken.None)).Status);
        Assert.Equal(2, _server.Requests);
    }

    [Fact]
    public async Task Persistent_failure_exhausts_the_attempts_and_stops_the_object()
    {
        _server.Enqueue(Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 10).ToArray());
        var result = await Client(maxAttempts: 3).SendAsync(Body, CancellationToken.None);
        Assert.Equal(DeliveryStatus.RetriesExhausted, result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, _server.Requests);
        Assert.True(result.StopsObject);
    }

    [Fact]
    public async Task A_refused_connection_is_a_network_failure_after_the_attempts()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Compression = BodyCompression.None, // plain bodies: these tests read what the receiver got
            Endpoint = new Uri($"http://127.0.0.1:{port}/logs/json"),
            MaxAttempts = 2,
            AttemptTimeout = AttemptTimeout,
        }, _time);
        var result = await client.SendAsync(Body, CancellationToken.None);
        Assert.Equal(DeliveryStatus.RetriesExhausted, result.Status);
        Assert.Equal(2, result.Attempts);
        Assert.Contains("network error", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_retrying_and_reports_cancelled()
    {
        _server.Enqueue(Enumerable.Repeat<ServerFault>(new ServerFault.Status(503), 10).ToArray());
        using var cancel = new CancellationTokenSource();
        var slowClock = new SigNozClient(_http, new SigNozClientOptions
        {
            Compression = BodyCompression.None, // plain bodies: these tests read what the receiver got
            Endpoint = _server.Endpoint,
            IngestionKey = Key,
            BaseDelay = TimeSpan.FromMinutes(1),
            MaxDelay = TimeSpan.FromMinutes(1),
        }, TimeProvider.System);
        var sending = slowClock.SendAsync(Body, cancel.Token).AsTask();
        while (_server.Requests == 0)
        {
            await Task.Delay(10);
        }
        await cancel.CancelAsync();
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DeliveryStatus.Cancelled, result.Status);
        Assert.True(result.StopsObject);
    }
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_never_followed_and_the_key_never_reaches_the_new_origin(int status)
    {
        await using var elsewhere = await LoopbackSigNozServer.StartAsync();
        _server.Enqueue(new ServerFault.Redirect(status, elsewhere.Endpoint));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Redirected, result.Status);
        Assert.True(result.StopsObject);
        Assert.Equal(status, result.HttpStatus);
        Assert.Equal(1, result.Attempts);
        Assert.Contains($"HTTP {status} redirect to host '127.0.0.1'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Requests);
    }

    [Fact]
    public async Task A_handler_that_follows_redirects_anyway_cannot_make_records_count_as_delivered()
    {
        await using var elsewhere = await LoopbackSigNozServer.StartAsync();
        _server.Enqueue(new ServerFault.Redirect(307, elsewhere.Endpoint));
        using var following = SigNozClient.CreateHttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var client = new SigNozClient(following, new SigNozClientOptions { Compression = BodyCompression.None, Endpoint = _server.Endpoint, MaxAttempts = 1 }, _time);

        var result = await client.SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Redirected, result.Status); // elsewhere answered 200, yet nothing counts as delivered
        Assert.Contains("followed a redirect", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_body_that_quotes_the_key_is_redacted()
    {
        _server.Enqueue(new ServerFault.WithBody(401, $"invalid ingestion key '{Key}' for tenant"));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Unauthorized, result.Status);
        Assert.DoesNotContain(Key, result.Error, StringComparison.Ordinal);
        Assert.Contains($"invalid ingestion key '{SecretRedactor.Mask}' for tenant", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_cut_in_half_where_the_body_is_no_longer_read_is_redacted_too()
    {
        var padding = new string('p', ErrorBodyReader.MaxBytes - 10);
        _server.Enqueue(new ServerFault.WithBody(403, padding + Key + new string('q', 100)));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.DoesNotContain(Key[..10], result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_error_body_is_not_read_beyond_a_few_KiB()
    {
        _server.Enqueue(new ServerFault.HugeBody(500, 500L * 1024 * 1024));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var result = await Client(maxAttempts: 1).SendAsync(Body, CancellationToken.None);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.Equal(DeliveryStatus.RetriesExhausted, result.Status);
        Assert.Equal(500, result.HttpStatus);
        Assert.True(allocated < 64 * 1024 * 1024, $"reading the error allocated {allocated:N0} bytes");
        Assert.True(result.Error!.Length < 400, result.Error);
    }

    [Fact]
    public async Task A_stalled_error_body_does_not_hang_the_attempt_and_the_status_still_counts()
    {
        _server.Enqueue(new ServerFault.StalledBody(400, TimeSpan.FromSeconds(30)));
        var client = new SigNozClient(_http, new SigNozClientOptions
        {
            Compression = BodyCompression.None, // plain bodies: these tests read what the receiver got
            Endpoint = _server.Endpoint,
            IngestionKey = Key,
            MaxAttempts = 1,
            AttemptTimeout = TimeSpan.FromSeconds(1),
        }, TimeProvider.System);

        var result = await client.SendAsync(Body, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(DeliveryStatus.Refused, result.Status);
        Assert.Contains("did not arrive within the attempt timeout", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain; charset=no-such-charset")]
    [InlineData("application/json; charset=utf-32")]
    public async Task An_error_body_in_an_unknown_or_wrong_charset_is_decoded_leniently(string contentType)
    {
        _server.Enqueue(new ServerFault.WithBody(422, "bad \u00e9\u0001 record", contentType));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.UnexpectedStatus, result.Status);
        Assert.True(result.StopsObject);
        Assert.Contains("bad é  record", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key\n")]
    [InlineData("key\r\nX-Injected: 1")]
    [InlineData(" key")]
    [InlineData("ke y")]
    [InlineData("k\u00e9y")]
    [InlineData("")]
    public void A_key_that_is_not_a_valid_header_value_is_refused_without_echoing_it(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => Client(key));
        Assert.DoesNotContain("key", error.Message.Replace("ingestion key", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_redirect_whose_Location_host_spells_the_key_is_redacted()
    {
        _server.Enqueue(new ServerFault.Redirect(302, new Uri($"https://{Key}.evil.example/logs")));

        var result = await Client().SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Redirected, result.Status);
        Assert.DoesNotContain(Key, result.Error, StringComparison.Ordinal);
        Assert.Contains($"'{SecretRedactor.Mask}.evil.example'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connect_timeout_is_a_network_fault_that_is_retried()
    {
        // What SocketsHttpHandler throws when ConnectTimeout expires: a cancellation the caller never asked for.
        using var http = SigNozClient.CreateHttpClient(new ConnectTimeoutHandler(failures: 2));

        var result = await new SigNozClient(http, new SigNozClientOptions
        {
            Compression = BodyCompression.None,
            Endpoint = _server.Endpoint,
            IngestionKey = Key,
            AttemptTimeout = AttemptTimeout,
        }, _time).SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public async Task Connect_timeouts_that_outlast_the_attempts_stop_the_object_with_a_summary_not_an_exception()
    {
        using var http = SigNozClient.CreateHttpClient(new ConnectTimeoutHandler(failures: int.MaxValue));
        var client = new SigNozClient(http, new SigNozClientOptions { Endpoint = _server.Endpoint, MaxAttempts = 2, AttemptTimeout = AttemptTimeout }, _time);
        var pipeline = new FlowLogForwarder.Pipeline.FlowLogPipeline(client, new FlowLogForwarder.Pipeline.PipelineOptions { MaxBatchRecords = 10 }, TimeProvider.System);

        var summary = await pipeline.ForwardAsync(TestHelpers.Gzip(FlowLogGenerator.DefaultHeader + "\n" +
            string.Concat(Enumerable.Range(0, 50).Select(i => FlowLogGenerator.Line(i) + "\n"))),
            FlowLogForwarder.Mapping.FlowLogSource.FromKey("b", "k.log.gz"), CancellationToken.None);

        Assert.Equal(FlowLogForwarder.Pipeline.ObjectOutcome.Failed, summary.Outcome);
        Assert.Contains("connect timeout", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.AcknowledgedThroughLine);
    }

    // Fails the first `failures` sends as a connect timeout would, then sends for real.
    private sealed class ConnectTimeoutHandler(int failures) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        private int _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new TaskCanceledException("The operation was canceled.", new TimeoutException("connect timed out"))
                : base.SendAsync(request, cancellationToken);
    }
}
