using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Outage.Host.Benchmarks.IntakeBenchmarks).Assembly).Run(args);
