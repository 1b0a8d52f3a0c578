package gofaas

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"time"
)

// Dimension is one name/value pair of a metric's identity.
type Dimension struct {
	Name  string
	Value string
}

// Metric identifies a CloudWatch metric: a namespace, a name and a set of
// dimensions. Two metrics with the same dimensions in another order are the
// same metric; SortDimensions puts them in canonical (name) order.
type Metric struct {
	Namespace  string
	Name       string
	Dimensions []Dimension
}

// SortDimensions sorts dims by name, then value, in place.
func SortDimensions(dims []Dimension) {
	slices.SortFunc(dims, func(a, b Dimension) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// The separators of a metric key. CloudWatch rejects control characters in
// namespaces, names and dimensions, so they cannot occur inside a part.
const (
	keySep = "\x1f"
	dimSep = "\x1e"
)

// Key returns the canonical string form of m (its dimensions must be
// sorted): equal metrics have equal keys, and keys order metrics by
// namespace, then name, then dimensions.
func (m Metric) Key() string {
	var b strings.Builder
	b.WriteString(m.Namespace)
	b.WriteString(keySep)
	b.WriteString(m.Name)
	for _, d := range m.Dimensions {
		b.WriteString(keySep)
		b.WriteString(d.Name)
		b.WriteString(dimSep)
		b.WriteString(d.Value)
	}
	return b.String()
}

// ParseMetricKey is the inverse of Metric.Key.
func ParseMetricKey(key string) (Metric, error) {
	parts := strings.Split(key, keySep)
	if len(parts) < 2 {
		return Metric{}, errors.New("malformed metric key")
	}
	m := Metric{Namespace: parts[0], Name: parts[1]}
	for _, p := range parts[2:] {
		n, v, ok := strings.Cut(p, dimSep)
		if !ok {
			return Metric{}, errors.New("malformed metric key")
		}
		m.Dimensions = append(m.Dimensions, Dimension{Name: n, Value: v})
	}
	return m, nil
}

// Stats aggregates metric values: CloudWatch's statistic set (SampleCount,
// Sum, Minimum, Maximum) and a histogram for percentiles. The zero value
// is empty.
type Stats struct {
	SampleCount float64
	Sum         float64
	Min         float64
	Max         float64
	// Hist counts the values by histogram bucket; it is nil when
	// NoPercentiles is set.
	Hist Histogram
	// NoPercentiles is set once a value that percentiles cannot describe
	// was added: a negative value, or a statistic set that is not a
	// repetition of one value (as CloudWatch documents).
	NoPercentiles bool
}

// Add adds value, count times (count > 0).
func (s *Stats) Add(value, count float64) {
	if s.SampleCount == 0 {
		s.Min, s.Max = value, value
	} else {
		s.Min = min(s.Min, value)
		s.Max = max(s.Max, value)
	}
	s.SampleCount += count
	s.Sum += value * count
	if s.NoPercentiles {
		return
	}
	if value < 0 {
		s.NoPercentiles, s.Hist = true, nil
		return
	}
	if s.Hist == nil {
		s.Hist = make(Histogram, 4)
	}
	n := uint64(math.Round(count))
	if n == 0 {
		n = 1
	}
	s.Hist[HistogramKey(value)] += n
}

// AddSet adds a statistic set. Percentiles survive only when the set is a
// repetition of one value: SampleCount 1 with Min, Max and Sum equal, or
// Min equal to Max and Sum equal to Min times SampleCount.
func (s *Stats) AddSet(count, sum, minimum, maximum float64) {
	if minimum == maximum && (sum == minimum*count || (count == 1 && sum == minimum)) {
		s.Add(minimum, count)
		return
	}
	if s.SampleCount == 0 {
		s.Min, s.Max = minimum, maximum
	} else {
		s.Min = min(s.Min, minimum)
		s.Max = max(s.Max, maximum)
	}
	s.SampleCount += count
	s.Sum += sum
	s.NoPercentiles, s.Hist = true, nil
}

// Merge adds o to s.
func (s *Stats) Merge(o *Stats) {
	if o.SampleCount == 0 && o.Hist == nil && !o.NoPercentiles {
		return
	}
	if s.SampleCount == 0 {
		s.Min, s.Max = o.Min, o.Max
	} else if o.SampleCount != 0 {
		s.Min = min(s.Min, o.Min)
		s.Max = max(s.Max, o.Max)
	}
	s.SampleCount += o.SampleCount
	s.Sum += o.Sum
	if s.NoPercentiles || o.NoPercentiles {
		s.NoPercentiles, s.Hist = true, nil
		return
	}
	if len(o.Hist) > 0 {
		if s.Hist == nil {
			s.Hist = make(Histogram, len(o.Hist))
		}
		for k, n := range o.Hist {
			s.Hist[k] += n
		}
	}
}

// Clone returns a deep copy of s.
func (s *Stats) Clone() *Stats {
	c := *s
	if s.Hist != nil {
		c.Hist = make(Histogram, len(s.Hist))
		for k, n := range s.Hist {
			c.Hist[k] = n
		}
	}
	return &c
}

// Percentile returns the p-th percentile (0 ≤ p ≤ 100) by nearest rank
// over the histogram, within HistogramError of the true value and clamped
// to [Min, Max]; p0 is Min and p100 is Max exactly. ok is false when the
// percentile is unavailable.
func (s *Stats) Percentile(p float64) (v float64, ok bool) {
	if s.SampleCount == 0 || s.NoPercentiles || len(s.Hist) == 0 || p < 0 || p > 100 {
		return 0, false
	}
	if p == 0 {
		return s.Min, true
	}
	if p == 100 {
		return s.Max, true
	}
	return min(max(s.Hist.Quantile(p/100), s.Min), s.Max), true
}

// Histogram is a log-linear histogram: each power of two is split into
// HistogramSubBuckets equal-width buckets, so a bucket's midpoint is within
// HistogramError (relative) of every value in it. Keys order buckets by
// value: negative keys hold negative values, 0 holds zero.
type Histogram map[int32]uint64

const (
	// HistogramSubBuckets is the number of buckets per power of two.
	HistogramSubBuckets = 64
	// HistogramError bounds the relative error of a percentile:
	// 1/(2·HistogramSubBuckets).
	HistogramError = 1.0 / (2 * HistogramSubBuckets)

	histExpBias = 1100 // > 1074, the magnitude of the smallest float64 exponent
)

// HistogramKey returns the bucket of v.
func HistogramKey(v float64) int32 {
	if v == 0 || math.IsNaN(v) {
		return 0
	}
	frac, exp := math.Frexp(math.Abs(v)) // frac in [0.5, 1)
	sub := int32((frac - 0.5) * 2 * HistogramSubBuckets)
	if sub >= HistogramSubBuckets {
		sub = HistogramSubBuckets - 1
	}
	k := (int32(exp)+histExpBias)*HistogramSubBuckets + sub + 1
	if v < 0 {
		return -k
	}
	return k
}

// HistogramValue returns the midpoint of bucket k.
func HistogramValue(k int32) float64 {
	if k == 0 {
		return 0
	}
	a := k
	if a < 0 {
		a = -a
	}
	a--
	exp := int(a/HistogramSubBuckets) - histExpBias
	sub := float64(a % HistogramSubBuckets)
	lo := math.Ldexp(0.5+sub/(2*HistogramSubBuckets), exp)
	hi := math.Ldexp(0.5+(sub+1)/(2*HistogramSubBuckets), exp)
	v := lo + (hi-lo)/2
	if k < 0 {
		return -v
	}
	return v
}

// Quantile returns the midpoint of the bucket holding the value of rank
// ceil(q·N) (nearest rank), 0 < q ≤ 1.
func (h Histogram) Quantile(q float64) float64 {
	keys := make([]int32, 0, len(h))
	var total uint64
	for k, n := range h {
		keys = append(keys, k)
		total += n
	}
	if total == 0 {
		return 0
	}
	slices.Sort(keys)
	rank := uint64(math.Ceil(q * float64(total)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for _, k := range keys {
		seen += h[k]
		if seen >= rank {
			return HistogramValue(k)
		}
	}
	return HistogramValue(keys[len(keys)-1])
}

// MarshalBinary encodes h compactly: a version byte, the number of
// buckets, then per bucket (in key order) the key's delta from the previous
// key (zig-zag varint) and its count (uvarint).
func (h Histogram) MarshalBinary() ([]byte, error) {
	keys := make([]int32, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 2+len(keys)*4)
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	var prev int64
	for _, k := range keys {
		b = binary.AppendVarint(b, int64(k)-prev)
		b = binary.AppendUvarint(b, h[k])
		prev = int64(k)
	}
	return b, nil
}

// UnmarshalHistogram decodes what Histogram.MarshalBinary encoded.
func UnmarshalHistogram(b []byte) (Histogram, error) {
	bad := errors.New("malformed histogram")
	if len(b) < 2 || b[0] != 1 {
		return nil, bad
	}
	b = b[1:]
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return nil, bad
	}
	b = b[w:]
	h := make(Histogram, n)
	var prev int64
	for i := uint64(0); i < n; i++ {
		d, w := binary.Varint(b)
		if w <= 0 {
			return nil, bad
		}
		b = b[w:]
		c, w := binary.Uvarint(b)
		if w <= 0 {
			return nil, bad
		}
		b = b[w:]
		prev += d
		if prev < math.MinInt32 || prev > math.MaxInt32 {
			return nil, bad
		}
		h[int32(prev)] += c
	}
	return h, nil
}

// MetricPoint is the aggregate of one metric's values of one unit over one
// interval: Resolution seconds (1, 60, 300 or 3600) from Time.
type MetricPoint struct {
	Metric     Metric
	Unit       string // "None" when the values had no unit
	Time       time.Time
	Resolution int
	Stats      Stats
}

// MetricFilter selects metrics for ListMetrics.
type MetricFilter struct {
	Namespace string // "" matches any
	Name      string // "" matches any
	// Dimensions must all be present in a matching metric; a filter with an
	// empty Value matches any value of that name.
	Dimensions []Dimension
	// ActiveSince, when not zero, keeps only metrics with a value at or
	// after it.
	ActiveSince time.Time
	// After, when not "", keeps only metrics whose Key is greater.
	After string
	// Limit bounds the result; 0 means no bound.
	Limit int
}

// Match reports whether m passes f's namespace, name and dimension tests.
func (f *MetricFilter) Match(m *Metric) bool {
	if f.Namespace != "" && m.Namespace != f.Namespace {
		return false
	}
	if f.Name != "" && m.Name != f.Name {
		return false
	}
	for _, want := range f.Dimensions {
		found := false
		for _, d := range m.Dimensions {
			if d.Name == want.Name && (want.Value == "" || d.Value == want.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// MetricStore keeps metric points with CloudWatch's retention: 1-second
// points for 3 hours, 1-minute points for 15 days, 5-minute points for 63
// days and 1-hour points for 455 days.
type MetricStore interface {
	// PutMetricPoints merges points into the stored points of the same
	// metric, unit, resolution and time, in one transaction.
	PutMetricPoints(ctx context.Context, points []MetricPoint) error
	// MetricPoints returns the stored points of m (dimensions sorted) of
	// any resolution with Time in [start, end), of unit when unit is not
	// "", in time order.
	MetricPoints(ctx context.Context, m Metric, unit string, start, end time.Time) ([]MetricPoint, error)
	// ListMetrics returns the metrics that f selects, in Key order.
	ListMetrics(ctx context.Context, f *MetricFilter) ([]Metric, error)
	// RollupMetrics aggregates points older than their resolution's
	// retention into the next coarser resolution, and deletes points older
	// than 455 days.
	RollupMetrics(ctx context.Context, now time.Time) error
}
