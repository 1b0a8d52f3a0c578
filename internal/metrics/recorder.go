package metrics

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// numShards is the number of independently locked parts of the recorder.
const numShards = 64

// idleSeries is how long a series without pending points stays in memory.
const idleSeries = 15 * time.Minute

// Recorder aggregates metric values in memory and flushes them to Store.
// Create it with NewRecorder, set fields, then Open; Close flushes.
type Recorder struct {
	// Store keeps flushed points; it is required.
	Store gofaas.MetricStore
	// FlushInterval is how often pending points are written (default 5 s).
	FlushInterval time.Duration
	// Now returns the current time (default time.Now); it stamps values
	// recorded without a time and anchors query rounding.
	Now func() time.Time

	seed    maphash.Seed
	shards  [numShards]shard
	flushMu sync.RWMutex

	stop, done chan struct{}
	closeOnce  sync.Once
}

type shard struct {
	mu     sync.Mutex
	series map[uint64]*series
	_      [40]byte // keep shards on separate cache lines
}

// series is one metric's pending intervals.
type series struct {
	metric  gofaas.Metric // dimensions sorted; never modified
	buckets []bucket
	touched int64 // Unix seconds of the last value
	next    *series
}

// bucket is one pending interval of one unit.
type bucket struct {
	ts    int64 // Unix seconds, a multiple of res
	res   int64
	unit  string
	stats gofaas.Stats
}

// NewRecorder returns a Recorder over store, not yet open.
func NewRecorder(store gofaas.MetricStore) *Recorder {
	r := &Recorder{Store: store, FlushInterval: 5 * time.Second, Now: time.Now}
	r.init()
	return r
}

func (r *Recorder) init() {
	if r.shards[0].series != nil {
		return
	}
	r.seed = maphash.MakeSeed()
	for i := range r.shards {
		r.shards[i].series = map[uint64]*series{}
	}
}

// Open starts the periodic flush.
func (r *Recorder) Open() error {
	if r.Store == nil {
		return errors.New("metrics: Recorder.Store is nil")
	}
	r.init()
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.FlushInterval <= 0 {
		r.FlushInterval = 5 * time.Second
	}
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go r.loop()
	return nil
}

// Close stops the periodic flush and flushes what is pending.
func (r *Recorder) Close() error {
	r.closeOnce.Do(func() {
		if r.stop != nil {
			close(r.stop)
			<-r.done
		}
	})
	return r.Flush(context.Background())
}

func (r *Recorder) loop() {
	defer close(r.done)
	t := time.NewTicker(r.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := r.Flush(context.Background()); err != nil {
				slog.Error("flush metrics", "err", err)
			}
		case <-r.stop:
			return
		}
	}
}

func (r *Recorder) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// hash returns the series hash of a metric whose dimensions are sorted.
func (r *Recorder) hash(ns, name string, dims []gofaas.Dimension) uint64 {
	h := maphash.String(r.seed, ns)
	h = mix(h, maphash.String(r.seed, name))
	for _, d := range dims {
		h = mix(h, maphash.String(r.seed, d.Name))
		h = mix(h, maphash.String(r.seed, d.Value))
	}
	return h
}

func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	return h
}

func sortedDims(dims []gofaas.Dimension) bool {
	for i := 1; i < len(dims); i++ {
		if dims[i].Name < dims[i-1].Name || (dims[i].Name == dims[i-1].Name && dims[i].Value < dims[i-1].Value) {
			return false
		}
	}
	return true
}

func sameMetric(m *gofaas.Metric, ns, name string, dims []gofaas.Dimension) bool {
	return m.Namespace == ns && m.Name == name && slices.Equal(m.Dimensions, dims)
}

// lockBucket returns the pending interval of (metric, unit, ts, res) with
// its shard locked; the caller unlocks sh.mu.
func (r *Recorder) lockBucket(ns, name string, dims []gofaas.Dimension, unit string, ts, res int64) (sh *shard, st *gofaas.Stats) {
	if !sortedDims(dims) {
		dims = slices.Clone(dims)
		gofaas.SortDimensions(dims)
	}
	h := r.hash(ns, name, dims)
	sh = &r.shards[h%numShards]
	sh.mu.Lock()
	head := sh.series[h]
	s := head
	for s != nil && !sameMetric(&s.metric, ns, name, dims) {
		s = s.next
	}
	if s == nil {
		s = &series{metric: gofaas.Metric{Namespace: ns, Name: name, Dimensions: slices.Clone(dims)}, next: head}
		sh.series[h] = s
	}
	s.touched = max(s.touched, ts)
	for i := range s.buckets {
		b := &s.buckets[i]
		if b.ts == ts && b.res == res && b.unit == unit {
			return sh, &b.stats
		}
	}
	s.buckets = append(s.buckets, bucket{ts: ts, res: res, unit: unit})
	return sh, &s.buckets[len(s.buckets)-1].stats
}

// interval returns the start of the interval of t for resolution res, and
// the resolution (1 for high resolution, otherwise 60).
func (r *Recorder) interval(t time.Time, highRes bool) (ts, res int64) {
	if t.IsZero() {
		t = r.now()
	}
	res = 60
	if highRes {
		res = 1
	}
	ts = t.Unix()
	ts -= ((ts % res) + res) % res
	return ts, res
}

// Record adds one value of a standard-resolution metric at time t (the
// zero time means now). dims need not be sorted; unit "" is "None". It
// never blocks on the store.
func (r *Recorder) Record(namespace, name string, dims []gofaas.Dimension, value float64, unit string, t time.Time) {
	if unit == "" {
		unit = "None"
	}
	ts, res := r.interval(t, false)
	sh, st := r.lockBucket(namespace, name, dims, unit, ts, res)
	st.Add(value, 1)
	sh.mu.Unlock()
}

// Put merges an aggregate into m's interval at t; highRes selects 1-second
// storage resolution.
func (r *Recorder) Put(m gofaas.Metric, unit string, t time.Time, highRes bool, stats *gofaas.Stats) {
	if unit == "" {
		unit = "None"
	}
	ts, res := r.interval(t, highRes)
	sh, st := r.lockBucket(m.Namespace, m.Name, m.Dimensions, unit, ts, res)
	st.Merge(stats)
	sh.mu.Unlock()
}

// Flush writes every pending interval to the store in one transaction. On
// failure the intervals stay pending.
func (r *Recorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	idle := r.now().Add(-idleSeries).Unix()
	var points []gofaas.MetricPoint
	for i := range r.shards {
		sh := &r.shards[i]
		sh.mu.Lock()
		for h, head := range sh.series {
			var keep *series
			for s := head; s != nil; {
				next := s.next
				for j := range s.buckets {
					b := &s.buckets[j]
					points = append(points, gofaas.MetricPoint{Metric: s.metric, Unit: b.unit,
						Time: time.Unix(b.ts, 0).UTC(), Resolution: int(b.res), Stats: b.stats})
					*b = bucket{}
				}
				s.buckets = s.buckets[:0]
				if s.touched >= idle {
					s.next, keep = keep, s
				}
				s = next
			}
			if keep == nil {
				delete(sh.series, h)
			} else {
				sh.series[h] = keep
			}
		}
		sh.mu.Unlock()
	}
	if len(points) == 0 {
		return nil
	}
	if err := r.Store.PutMetricPoints(ctx, points); err != nil {
		for i := range points {
			p := &points[i]
			r.Put(p.Metric, p.Unit, p.Time, p.Resolution == 1, &p.Stats)
		}
		return err
	}
	return nil
}

// pending returns copies of m's pending intervals in [start, end) of unit
// (any unit when "").
func (r *Recorder) pending(m gofaas.Metric, unit string, start, end time.Time) []gofaas.MetricPoint {
	h := r.hash(m.Namespace, m.Name, m.Dimensions)
	sh := &r.shards[h%numShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s := sh.series[h]
	for s != nil && !sameMetric(&s.metric, m.Namespace, m.Name, m.Dimensions) {
		s = s.next
	}
	if s == nil {
		return nil
	}
	var out []gofaas.MetricPoint
	lo, hi := start.Unix(), end.Unix()
	for i := range s.buckets {
		b := &s.buckets[i]
		if b.ts < lo || b.ts >= hi || (unit != "" && b.unit != unit) {
			continue
		}
		out = append(out, gofaas.MetricPoint{Metric: s.metric, Unit: b.unit, Time: time.Unix(b.ts, 0).UTC(),
			Resolution: int(b.res), Stats: *b.stats.Clone()})
	}
	return out
}

// Points returns m's points, stored and pending, of any resolution with
// Time in [start, end), of unit unless unit is "". m's dimensions need not
// be sorted.
func (r *Recorder) Points(ctx context.Context, m gofaas.Metric, unit string, start, end time.Time) ([]gofaas.MetricPoint, error) {
	if !sortedDims(m.Dimensions) {
		m.Dimensions = slices.Clone(m.Dimensions)
		gofaas.SortDimensions(m.Dimensions)
	}
	r.flushMu.RLock()
	defer r.flushMu.RUnlock()
	stored, err := r.Store.MetricPoints(ctx, m, unit, start, end)
	if err != nil {
		return nil, err
	}
	return append(stored, r.pending(m, unit, start, end)...), nil
}

// ListMetrics returns the metrics f selects, stored or pending, in Key
// order.
func (r *Recorder) ListMetrics(ctx context.Context, f *gofaas.MetricFilter) ([]gofaas.Metric, error) {
	r.flushMu.RLock()
	defer r.flushMu.RUnlock()
	stored, err := r.Store.ListMetrics(ctx, f)
	if err != nil {
		return nil, err
	}
	byKey := map[string]gofaas.Metric{}
	for _, m := range stored {
		byKey[m.Key()] = m
	}
	since := f.ActiveSince.Unix()
	for i := range r.shards {
		sh := &r.shards[i]
		sh.mu.Lock()
		for _, head := range sh.series {
			for s := head; s != nil; s = s.next {
				if len(s.buckets) == 0 || (!f.ActiveSince.IsZero() && s.touched+60 < since) || !f.Match(&s.metric) {
					continue
				}
				if k := s.metric.Key(); k > f.After {
					byKey[k] = s.metric
				}
			}
		}
		sh.mu.Unlock()
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if f.Limit > 0 && len(keys) > f.Limit {
		keys = keys[:f.Limit]
	}
	out := make([]gofaas.Metric, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out, nil
}

// Rollup coarsens and expires stored points as CloudWatch retains them;
// call it periodically (every few minutes).
func (r *Recorder) Rollup(ctx context.Context, now time.Time) error {
	return r.Store.RollupMetrics(ctx, now)
}
