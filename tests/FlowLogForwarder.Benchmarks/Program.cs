using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/FlowLogForwarder.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(FlowLogForwarder.Benchmarks.ParserBenchmarks).Assembly).Run(args);
