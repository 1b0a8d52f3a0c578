package metrics

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

// MaxDatapoints is the most datapoints GetMetricStatistics returns.
const MaxDatapoints = 1440

// The statistics of CloudWatch.
const (
	SampleCount = "SampleCount"
	Average     = "Average"
	Sum         = "Sum"
	Minimum     = "Minimum"
	Maximum     = "Maximum"
)

// Statistics lists the standard statistics in CloudWatch's order.
var Statistics = []string{SampleCount, Average, Sum, Minimum, Maximum}

// StatisticsInput is a GetMetricStatistics request.
type StatisticsInput struct {
	Metric     gofaas.Metric
	Start, End time.Time
	// Period is the length of a datapoint in seconds: 1, 5, 10, 20, 30 or
	// a multiple of 60.
	Period     int
	Statistics []string // of Statistics
	// ExtendedStatistics are percentiles "p0.0" to "p100".
	ExtendedStatistics []string
	Unit               string // "" for every unit
}

// Datapoint is one period's statistics of one unit.
type Datapoint struct {
	Timestamp   time.Time
	Unit        string
	SampleCount *float64
	Average     *float64
	Sum         *float64
	Minimum     *float64
	Maximum     *float64
	// Extended maps a requested percentile ("p99") to its value; a
	// percentile that is unavailable for the period is absent.
	Extended map[string]float64
}

// ParsePercentile parses "pNN" or "pNN.NN" (0 ≤ NN ≤ 100, at most two
// decimals), as CloudWatch's extended statistics name percentiles.
func ParsePercentile(s string) (float64, bool) {
	num, ok := strings.CutPrefix(s, "p")
	if !ok || num == "" || len(num) > 6 {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" || len(whole) > 3 || (hasFrac && len(frac) > 2) {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return v, true
}

// AlignStart rounds start down as CloudWatch does, by its age at now:
// less than 15 days to the minute, up to 63 days to 5 minutes, older to
// the hour; a sub-minute period rounds to the period.
func AlignStart(start, now time.Time, period int) time.Time {
	age := now.Sub(start)
	step := int64(60)
	switch {
	case period > 0 && period < 60:
		step = int64(period)
	case age > 63*24*time.Hour:
		step = 3600
	case age > 15*24*time.Hour:
		step = 300
	}
	s := start.Unix()
	s -= ((s % step) + step) % step
	return time.Unix(s, 0).UTC()
}

// DatapointCount returns how many periods [start, end) spans.
func DatapointCount(start, end time.Time, period int) int64 {
	if period <= 0 || !end.After(start) {
		return 0
	}
	d := int64(end.Sub(start) / time.Second)
	return (d + int64(period) - 1) / int64(period)
}

// formatCount writes n with thousands separators, as CloudWatch's messages
// do ("1,441").
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// periodAgg is one period's aggregate of one unit.
type periodAgg struct {
	ts    time.Time
	unit  string
	stats *gofaas.Stats
}

// aggregate returns m's points in [start, end) grouped into periods from
// start, per unit unless mergeUnits, in time order.
func (r *Recorder) aggregate(ctx context.Context, m gofaas.Metric, unit string, start, end time.Time, period int, mergeUnits bool) ([]periodAgg, error) {
	points, err := r.Points(ctx, m, unit, start, end)
	if err != nil {
		return nil, err
	}
	type key struct {
		idx  int64
		unit string
	}
	byKey := map[key]*periodAgg{}
	s0 := start.Unix()
	for i := range points {
		p := &points[i]
		k := key{idx: (p.Time.Unix() - s0) / int64(period)}
		if !mergeUnits {
			k.unit = p.Unit
		}
		a, ok := byKey[k]
		if !ok {
			a = &periodAgg{ts: time.Unix(s0+k.idx*int64(period), 0).UTC(), unit: p.Unit, stats: &gofaas.Stats{}}
			byKey[k] = a
		}
		a.stats.Merge(&p.Stats)
	}
	out := make([]periodAgg, 0, len(byKey))
	for _, a := range byKey {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ts.Equal(out[j].ts) {
			return out[i].ts.Before(out[j].ts)
		}
		return out[i].unit < out[j].unit
	})
	return out, nil
}

// statValue returns statistic stat ("Sum", "p99", ...) of st.
func statValue(st *gofaas.Stats, stat string) (float64, bool) {
	if st.SampleCount == 0 {
		return 0, false
	}
	switch stat {
	case SampleCount:
		return st.SampleCount, true
	case Average:
		return st.Sum / st.SampleCount, true
	case Sum:
		return st.Sum, true
	case Minimum:
		return st.Min, true
	case Maximum:
		return st.Max, true
	}
	if p, ok := ParsePercentile(stat); ok {
		return st.Percentile(p)
	}
	return 0, false
}

// GetMetricStatistics returns the statistics of in.Metric per period, in
// time order. It returns EINVALID (InvalidParameterCombination) when the
// range holds more than MaxDatapoints periods.
func (r *Recorder) GetMetricStatistics(ctx context.Context, in *StatisticsInput) ([]Datapoint, error) {
	if in.Period <= 0 {
		return nil, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValue", "The parameter Period must be greater than 0.")
	}
	start := AlignStart(in.Start, r.now(), in.Period)
	if !in.End.After(start) {
		return nil, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValue",
			"The parameter StartTime must be less than the parameter EndTime.")
	}
	if n := DatapointCount(start, in.End, in.Period); n > MaxDatapoints {
		return nil, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterCombination",
			"You have requested up to %s datapoints, which exceeds the limit of %s. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
			formatCount(n), formatCount(MaxDatapoints))
	}
	aggs, err := r.aggregate(ctx, in.Metric, in.Unit, start, in.End, in.Period, false)
	if err != nil {
		return nil, err
	}
	out := make([]Datapoint, 0, len(aggs))
	for _, a := range aggs {
		if a.stats.SampleCount == 0 {
			continue
		}
		dp := Datapoint{Timestamp: a.ts, Unit: a.unit}
		for _, s := range in.Statistics {
			v, ok := statValue(a.stats, s)
			if !ok {
				continue
			}
			v = finite(v)
			switch s {
			case SampleCount:
				dp.SampleCount = &v
			case Average:
				dp.Average = &v
			case Sum:
				dp.Sum = &v
			case Minimum:
				dp.Minimum = &v
			case Maximum:
				dp.Maximum = &v
			}
		}
		for _, s := range in.ExtendedStatistics {
			if v, ok := statValue(a.stats, s); ok {
				if dp.Extended == nil {
					dp.Extended = map[string]float64{}
				}
				dp.Extended[s] = finite(v)
			}
		}
		out = append(out, dp)
	}
	return out, nil
}

// finite replaces infinities (from sums past float64's range) by the
// largest finite values.
func finite(v float64) float64 {
	switch {
	case math.IsInf(v, 1):
		return math.MaxFloat64
	case math.IsInf(v, -1):
		return -math.MaxFloat64
	}
	return v
}

// FormatPercentile names percentile p as an extended statistic: "p99",
// "p99.9".
func FormatPercentile(p float64) string {
	return "p" + strconv.FormatFloat(p, 'f', -1, 64)
}
