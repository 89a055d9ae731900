using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Outage.Detection.Benchmarks.DetectorBenchmarks).Assembly).Run(args);
