// Package bench holds syncform's benchmarks at the connector's largest
// scale: examples/large (1,500 mappings) loaded and planned on the sandbox,
// back-fills of up to 1,000,000 companies, and how the costs grow with the
// mappings and the records. The script bench/run runs them, with the
// whole-process and HTTP measurements, and prints the figures
// docs/performance.md explains. The package has no code beyond its tests.
package bench
