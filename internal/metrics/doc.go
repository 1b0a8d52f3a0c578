// Package metrics records and answers CloudWatch metrics: the hot-path
// Recorder, CloudWatch's statistics and metric math over its points, the
// AWS/Lambda metrics of invocations, and the Prometheus exposition.
//
// # Recording
//
// Recorder.Record adds one value to the current interval (1 minute, or 1
// second for high-resolution data) of its series. A series is found by a
// hash of its namespace, name and sorted dimensions in one of numShards
// shards, each under its own mutex, so concurrent invocations of different
// functions rarely contend. Each series keeps the intervals recorded since
// the last flush as gofaas.Stats (sample count, sum, minimum, maximum and a
// log-linear histogram for percentiles).
//
// Every FlushInterval (and on Close) the Recorder moves all pending
// intervals out of memory and merges them into the gofaas.MetricStore in one
// transaction. If the store fails, the points go back into memory and are
// retried at the next flush.
//
// # Reading
//
// Queries merge the stored points with the pending ones, so a value is
// visible as soon as Record returns. Lock order: flushMu (a query holds it
// shared, a flush exclusively, across the store call), then one shard's mu.
// Record takes only the shard's mu, so it never waits for the store.
//
// # Percentiles
//
// A percentile is the midpoint of the histogram bucket holding the value of
// nearest rank, clamped to [Minimum, Maximum]: within gofaas.HistogramError
// (0.78%) of the true nearest-rank value. p0 and p100 are exact. As in
// CloudWatch, percentiles are unavailable for intervals with negative values
// or with statistic sets that are not one repeated value.
package metrics
