// Package bench holds syncform's benchmarks at the connector's largest
// scale: examples/large (1,500 mappings) planned and applied on the sandbox
// and over HTTP, back-fills of up to 1,000,000 companies, and how the costs
// grow. `bench/run` runs them with the whole-process measurements and writes
// the figures docs/performance.md explains. The package has no code of its
// own beyond its tests.
package bench
