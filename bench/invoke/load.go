package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// stats summarises one load run.
type stats struct {
	Target      string   `json:"target"`
	Endpoint    string   `json:"endpoint"`
	Function    string   `json:"function,omitempty"`
	Concurrency int      `json:"concurrency"`
	Requests    int64    `json:"requests"` // answered, errors included
	Errors      int64    `json:"errors"`
	ElapsedS    float64  `json:"elapsed_s"`
	Throughput  float64  `json:"throughput"` // successful invokes per second
	P50ms       float64  `json:"p50_ms"`
	P90ms       float64  `json:"p90_ms"`
	P99ms       float64  `json:"p99_ms"`
	Maxms       float64  `json:"max_ms"`
	Sample      string   `json:"sample,omitempty"`       // the first answer
	FirstErrors []string `json:"first_errors,omitempty"` // up to 3 distinct errors
}

// loadMode runs the warm-up, then the measured load, and prints the results.
func loadMode(ctx context.Context, c *client, cfg *config, out io.Writer) error {
	if cfg.warmup > 0 {
		if _, err := load(ctx, c, cfg, cfg.warmup, 0); err != nil {
			return err
		}
	}
	st, err := load(ctx, c, cfg, cfg.duration, cfg.requests)
	if err != nil {
		return err
	}
	if cfg.jsonOut {
		enc := json.NewEncoder(out)
		if err := enc.Encode(st); err != nil {
			return err
		}
	} else {
		printStats(out, st)
	}
	if st.Requests == 0 {
		return fmt.Errorf("no request was answered")
	}
	if st.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed", st.Errors, st.Requests)
	}
	return nil
}

// worker is one worker's measurements.
type worker struct {
	lat    []time.Duration
	errs   int64
	errMsg []string
}

// load sends requests from cfg.concurrency workers until d has passed or n
// requests have been sent (n = 0: no limit); in-flight requests are finished.
func load(ctx context.Context, c *client, cfg *config, d time.Duration, n int64) (*stats, error) {
	stopCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var issued atomic.Int64
	var sample string
	var sampleOnce sync.Once
	workers := make([]*worker, cfg.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		w := &worker{lat: make([]time.Duration, 0, 4096)}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for stopCtx.Err() == nil {
				if n > 0 && issued.Add(1) > n {
					return
				}
				rctx, rcancel := context.WithTimeout(ctx, cfg.timeout)
				t0 := time.Now()
				err := c.invoke(rctx, &buf)
				lat := time.Since(t0)
				rcancel()
				if ctx.Err() != nil {
					return // interrupted: this request does not count
				}
				if err != nil {
					w.errs++
					if len(w.errMsg) < 3 {
						w.errMsg = append(w.errMsg, err.Error())
					}
					continue
				}
				w.lat = append(w.lat, lat)
				sampleOnce.Do(func() { sample = snippet(buf.Bytes()) })
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	st := &stats{
		Target:      cfg.target,
		Endpoint:    cfg.endpoint,
		Concurrency: cfg.concurrency,
		ElapsedS:    elapsed.Seconds(),
		Sample:      sample,
	}
	if cfg.target == targetGofaas {
		st.Function = cfg.function
	}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.lat...)
		st.Errors += w.errs
		for _, m := range w.errMsg {
			if len(st.FirstErrors) < 3 && !slices.Contains(st.FirstErrors, m) {
				st.FirstErrors = append(st.FirstErrors, m)
			}
		}
	}
	st.Requests = int64(len(all)) + st.Errors
	st.Throughput = float64(len(all)) / elapsed.Seconds()
	slices.Sort(all)
	st.P50ms = ms(percentile(all, 50))
	st.P90ms = ms(percentile(all, 90))
	st.P99ms = ms(percentile(all, 99))
	if len(all) > 0 {
		st.Maxms = ms(all[len(all)-1])
	}
	return st, ctx.Err()
}

// printStats writes st for people.
func printStats(out io.Writer, st *stats) {
	name := st.Target
	if st.Function != "" {
		name += " function " + st.Function
	}
	fmt.Fprintf(out, "%s at %s, concurrency %d\n", name, st.Endpoint, st.Concurrency)
	fmt.Fprintf(out, "  requests %d  errors %d  elapsed %.3fs  throughput %.1f invokes/s\n",
		st.Requests, st.Errors, st.ElapsedS, st.Throughput)
	fmt.Fprintf(out, "  latency p50 %.3fms  p90 %.3fms  p99 %.3fms  max %.3fms\n",
		st.P50ms, st.P90ms, st.P99ms, st.Maxms)
	if st.Sample != "" {
		fmt.Fprintf(out, "  first answer %s\n", st.Sample)
	}
	for _, e := range st.FirstErrors {
		fmt.Fprintf(out, "  error: %s\n", e)
	}
}

// percentile returns the nearest-rank p-th percentile of sorted, or 0 if empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms converts d to fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
