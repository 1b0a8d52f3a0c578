package cloudwatchapi

import (
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/metrics"
)

// Limits of CloudWatch (PutMetricData, GetMetricStatistics, ListMetrics).
const (
	maxMetricData      = 1000
	maxDimensions      = 30
	maxValues          = 150
	maxListMetrics     = 500
	maxPastTimestamp   = 14 * 24 * time.Hour
	maxFutureTimestamp = 2 * time.Hour
	// listActive is how far back ListMetrics looks without RecentlyActive.
	listActive = 14 * 24 * time.Hour
)

// units are CloudWatch's StandardUnit values.
var units = map[string]bool{}

func init() {
	for _, u := range []string{"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
		"Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
		"Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
		"Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"} {
		units[u] = true
	}
}

var (
	maxValue = math.Ldexp(1, 360)
	minValue = math.Ldexp(1, -360)
)

// validValue reports whether CloudWatch accepts v: finite, with a
// magnitude of 2^-360 to 2^360 (or zero).
func validValue(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	a := math.Abs(v)
	return a == 0 || (a >= minValue && a <= maxValue)
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func awsFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// checkNamespace validates a Namespace member; user says whether the AWS/
// prefix is reserved.
func checkNamespace(ns *string, param string, required, user bool) error {
	if ns == nil {
		if required {
			return missing(param)
		}
		return nil
	}
	s := *ns
	if len(s) < 1 || len(s) > 255 || strings.HasPrefix(s, ":") || hasControl(s) || (user && strings.HasPrefix(s, "AWS/")) {
		return invalidValue("The value %s for parameter %s is invalid.", s, param)
	}
	return nil
}

func checkMetricName(n *string, param string, required bool) error {
	if n == nil {
		if required {
			return missing(param)
		}
		return nil
	}
	if len(*n) < 1 || len(*n) > 255 || hasControl(*n) {
		return invalidValue("The value %s for parameter %s is invalid.", *n, param)
	}
	return nil
}

// checkDimensions validates dimensions (filters when filter is set, whose
// Value may be absent) and returns them.
func checkDimensions(dims []Dimension, param string, limit int, filter bool) ([]gofaas.Dimension, error) {
	if len(dims) > limit {
		return nil, invalidValue("The collection %s must not have a size greater than %d.", param, limit)
	}
	out := make([]gofaas.Dimension, 0, len(dims))
	seen := map[string]bool{}
	for i, d := range dims {
		p := name(param, i)
		if d.Name == nil {
			return nil, missing(p + ".Name")
		}
		if d.Value == nil && !filter {
			return nil, missing(p + ".Value")
		}
		n, v := *d.Name, deref(d.Value)
		if len(n) < 1 || len(n) > 255 || strings.HasPrefix(n, ":") || hasControl(n) {
			return nil, invalidValue("The value %s for parameter %s.Name is invalid.", n, p)
		}
		if (d.Value != nil || !filter) && (len(v) < 1 || len(v) > 1024 || hasControl(v)) {
			return nil, invalidValue("The value %s for parameter %s.Value is invalid.", v, p)
		}
		if seen[n] && !filter {
			return nil, combination("No metric may have duplicate dimension names: %s", n)
		}
		seen[n] = true
		out = append(out, gofaas.Dimension{Name: n, Value: v})
	}
	if !filter {
		gofaas.SortDimensions(out)
	}
	return out, nil
}

func checkUnit(u *string, param string) (string, error) {
	if u == nil {
		return "", nil
	}
	if !units[*u] {
		return "", invalidValue("The value %s for parameter %s is invalid.", *u, param)
	}
	return *u, nil
}

// datum is a validated MetricDatum.
type datum struct {
	metric  gofaas.Metric
	unit    string
	t       time.Time
	highRes bool
	stats   gofaas.Stats
}

func (c *call) putMetricData() (any, error) {
	var in PutMetricDataInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkNamespace(in.Namespace, "Namespace", true, true); err != nil {
		return nil, err
	}
	total := len(in.MetricData)
	for _, e := range in.EntityMetricData {
		total += len(e.MetricData)
	}
	if total > maxMetricData {
		return nil, invalidValue("The collection MetricData must not have a size greater than %d.", maxMetricData)
	}
	if total == 0 {
		return nil, missing("MetricData")
	}
	now := c.h.now()
	var data []datum
	add := func(list []MetricDatum, prefix string) error {
		for i := range list {
			d, err := checkDatum(&list[i], name(prefix, i), *in.Namespace, now)
			if err != nil {
				return err
			}
			data = append(data, d)
		}
		return nil
	}
	if err := add(in.MetricData, "MetricData"); err != nil {
		return nil, err
	}
	for i, e := range in.EntityMetricData {
		if err := add(e.MetricData, name("EntityMetricData", i, "MetricData")); err != nil {
			return nil, err
		}
	}
	for i := range data {
		d := &data[i]
		c.h.Metrics.Put(d.metric, d.unit, d.t, d.highRes, &d.stats)
	}
	return nil, nil
}

// checkDatum validates one MetricDatum (param names it, e.g.
// "MetricData.member.1") and aggregates its values.
func checkDatum(md *MetricDatum, param, namespace string, now time.Time) (datum, error) {
	d := datum{metric: gofaas.Metric{Namespace: namespace}, t: now}
	if err := checkMetricName(md.MetricName, param+".MetricName", true); err != nil {
		return d, err
	}
	d.metric.Name = *md.MetricName
	dims, err := checkDimensions(md.Dimensions, param+".Dimensions", maxDimensions, false)
	if err != nil {
		return d, err
	}
	d.metric.Dimensions = dims
	if d.unit, err = checkUnit(md.Unit, param+".Unit"); err != nil {
		return d, err
	}
	if md.StorageResolution != nil {
		switch *md.StorageResolution {
		case 1:
			d.highRes = true
		case 60:
		default:
			return d, invalidValue("The value %d for parameter %s.StorageResolution is invalid.", *md.StorageResolution, param)
		}
	}
	if md.Timestamp != nil {
		t := md.Timestamp.Time
		if now.Sub(t) > maxPastTimestamp {
			return d, invalidValue("The parameter %s.Timestamp must specify a time no more than two weeks in the past.", param)
		}
		if t.Sub(now) > maxFutureTimestamp {
			return d, invalidValue("The parameter %s.Timestamp must specify a time no more than two hours in the future.", param)
		}
		d.t = t
	}
	given := 0
	if md.Value != nil {
		given++
	}
	if md.StatisticValues != nil {
		given++
	}
	if len(md.Values) > 0 {
		given++
	}
	switch {
	case given == 0:
		return d, missing(param + ".Value")
	case md.Value != nil && md.StatisticValues != nil:
		return d, combination("The parameters %s.Value and %s.StatisticValues are mutually exclusive and you have specified both.", param, param)
	case md.Value != nil && len(md.Values) > 0:
		return d, combination("The parameters %s.Value and %s.Values are mutually exclusive and you have specified both.", param, param)
	case md.StatisticValues != nil && len(md.Values) > 0:
		return d, combination("The parameters %s.StatisticValues and %s.Values are mutually exclusive and you have specified both.", param, param)
	}
	switch {
	case md.Value != nil:
		if !validValue(*md.Value) {
			return d, invalidValue("The value %s for parameter %s.Value is invalid.", awsFloat(*md.Value), param)
		}
		d.stats.Add(*md.Value, 1)
	case md.StatisticValues != nil:
		s := md.StatisticValues
		for _, f := range []struct {
			v *float64
			n string
		}{{s.SampleCount, "SampleCount"}, {s.Sum, "Sum"}, {s.Minimum, "Minimum"}, {s.Maximum, "Maximum"}} {
			if f.v == nil {
				return d, missing(param + ".StatisticValues." + f.n)
			}
			if !validValue(*f.v) {
				return d, invalidValue("The value %s for parameter %s.StatisticValues.%s is invalid.", awsFloat(*f.v), param, f.n)
			}
		}
		if *s.SampleCount <= 0 {
			return d, invalidValue("The value %s for parameter %s.StatisticValues.SampleCount is invalid.", awsFloat(*s.SampleCount), param)
		}
		if *s.Minimum > *s.Maximum {
			return d, invalidValue("The parameter %s.StatisticValues.Minimum must be less than or equal to the parameter %s.StatisticValues.Maximum.", param, param)
		}
		d.stats.AddSet(*s.SampleCount, *s.Sum, *s.Minimum, *s.Maximum)
	default:
		if len(md.Values) > maxValues {
			return d, invalidValue("The collection %s.Values must not have a size greater than %d.", param, maxValues)
		}
		if len(md.Counts) > 0 && len(md.Counts) != len(md.Values) {
			return d, combination("The parameters %s.Values and %s.Counts must be of the same size.", param, param)
		}
		for i, v := range md.Values {
			if !validValue(v) {
				return d, invalidValue("The value %s for parameter %s.Values.member.%d is invalid.", awsFloat(v), param, i+1)
			}
			n := 1.0
			if len(md.Counts) > 0 {
				n = md.Counts[i]
				if !validValue(n) || n < 0 {
					return d, invalidValue("The value %s for parameter %s.Counts.member.%d is invalid.", awsFloat(n), param, i+1)
				}
			}
			if n > 0 {
				d.stats.Add(v, n)
			}
		}
	}
	return d, nil
}

func (c *call) getMetricStatistics() (any, error) {
	var in GetMetricStatisticsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkNamespace(in.Namespace, "Namespace", true, false); err != nil {
		return nil, err
	}
	if err := checkMetricName(in.MetricName, "MetricName", true); err != nil {
		return nil, err
	}
	dims, err := checkDimensions(in.Dimensions, "Dimensions", maxDimensions, false)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		n string
		v *awsproto.Timestamp
	}{{"StartTime", in.StartTime}, {"EndTime", in.EndTime}} {
		if p.v == nil {
			return nil, missing(p.n)
		}
	}
	if in.Period == nil {
		return nil, missing("Period")
	}
	if err := checkPeriod(*in.Period, "Period"); err != nil {
		return nil, err
	}
	switch {
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return nil, missing("Statistics")
	case len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0:
		return nil, combination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
	case len(in.Statistics) > 5:
		return nil, invalidValue("The collection Statistics must not have a size greater than 5.")
	case len(in.ExtendedStatistics) > 10:
		return nil, invalidValue("The collection ExtendedStatistics must not have a size greater than 10.")
	}
	for i, s := range in.Statistics {
		if !slices.Contains(metrics.Statistics, s) {
			return nil, invalidValue("The value %s for parameter %s is invalid.", s, name("Statistics", i))
		}
	}
	for i, s := range in.ExtendedStatistics {
		if _, ok := metrics.ParsePercentile(s); !ok {
			return nil, invalidValue("The value %s for parameter %s is invalid.", s, name("ExtendedStatistics", i))
		}
	}
	unit, err := checkUnit(in.Unit, "Unit")
	if err != nil {
		return nil, err
	}
	if !in.StartTime.Before(in.EndTime.Time) {
		return nil, invalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	dps, err := c.h.Metrics.GetMetricStatistics(c.ctx, &metrics.StatisticsInput{
		Metric: gofaas.Metric{Namespace: *in.Namespace, Name: *in.MetricName, Dimensions: dims},
		Start:  in.StartTime.Time, End: in.EndTime.Time, Period: int(*in.Period),
		Statistics: in.Statistics, ExtendedStatistics: in.ExtendedStatistics, Unit: unit,
	})
	if err != nil {
		return nil, err
	}
	out := &GetMetricStatisticsOutput{Label: *in.MetricName, Datapoints: make(awsproto.XMLList[Datapoint], 0, len(dps))}
	for _, dp := range dps {
		out.Datapoints = append(out.Datapoints, Datapoint{
			Timestamp: awsproto.Timestamp{Time: dp.Timestamp}, Unit: dp.Unit,
			SampleCount: dp.SampleCount, Average: dp.Average, Sum: dp.Sum, Minimum: dp.Minimum, Maximum: dp.Maximum,
			ExtendedStatistics: ValueMap(dp.Extended),
		})
	}
	return out, nil
}

// checkPeriod validates a period: 1, 5, 10, 20, 30 or a multiple of 60.
func checkPeriod(p int64, param string) error {
	switch {
	case p < 1:
		return invalidValue("The parameter %s must be greater than 0.", param)
	case p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || p%60 == 0:
		return nil
	}
	return invalidValue("The parameter %s must be a multiple of 60.", param)
}

func (c *call) listMetrics() (any, error) {
	var in ListMetricsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkNamespace(in.Namespace, "Namespace", false, false); err != nil {
		return nil, err
	}
	if err := checkMetricName(in.MetricName, "MetricName", false); err != nil {
		return nil, err
	}
	dims, err := checkDimensions(in.Dimensions, "Dimensions", 10, true)
	if err != nil {
		return nil, err
	}
	f := &gofaas.MetricFilter{Namespace: deref(in.Namespace), Name: deref(in.MetricName), Dimensions: dims,
		ActiveSince: c.h.now().Add(-listActive), Limit: maxListMetrics + 1}
	if in.RecentlyActive != nil {
		if *in.RecentlyActive != "PT3H" {
			return nil, invalidValue("The value %s for parameter RecentlyActive is invalid.", *in.RecentlyActive)
		}
		f.ActiveSince = c.h.now().Add(-3 * time.Hour)
	}
	if in.NextToken != nil {
		after, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || len(after) == 0 {
			return nil, gofaas.TypedErrorf(gofaas.EINVALID, codeInvalidNextToken, "The service couldn't process the NextToken.")
		}
		f.After = string(after)
	}
	ms, err := c.h.Metrics.ListMetrics(c.ctx, f)
	if err != nil {
		return nil, err
	}
	out := &ListMetricsOutput{Metrics: make(awsproto.XMLList[Metric], 0, len(ms))}
	if len(ms) > maxListMetrics {
		ms = ms[:maxListMetrics]
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(ms[len(ms)-1].Key()))
	}
	for _, m := range ms {
		out.Metrics = append(out.Metrics, wireMetric(m))
	}
	return out, nil
}

func wireMetric(m gofaas.Metric) Metric {
	w := Metric{Namespace: &m.Namespace, MetricName: &m.Name, Dimensions: make(awsproto.XMLList[Dimension], 0, len(m.Dimensions))}
	for _, d := range m.Dimensions {
		w.Dimensions = append(w.Dimensions, Dimension{Name: &d.Name, Value: &d.Value})
	}
	return w
}

// maxDataQueries bounds MetricDataQueries.
const maxDataQueries = 500

func validID(id string) bool {
	if id == "" || len(id) > 255 || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for _, c := range id {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (c *call) getMetricData() (any, error) {
	var in GetMetricDataInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.MetricDataQueries) == 0 {
		return nil, missing("MetricDataQueries")
	}
	if len(in.MetricDataQueries) > maxDataQueries {
		return nil, invalidValue("The collection MetricDataQueries must not have a size greater than %d.", maxDataQueries)
	}
	if in.StartTime == nil {
		return nil, missing("StartTime")
	}
	if in.EndTime == nil {
		return nil, missing("EndTime")
	}
	if !in.StartTime.Before(in.EndTime.Time) {
		return nil, invalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	din := &metrics.DataInput{Start: in.StartTime.Time, End: in.EndTime.Time, ScanBy: deref(in.ScanBy), NextToken: deref(in.NextToken)}
	switch din.ScanBy {
	case "", "TimestampDescending", "TimestampAscending":
	default:
		return nil, invalidValue("The value %s for parameter ScanBy is invalid.", din.ScanBy)
	}
	if in.MaxDatapoints != nil {
		if *in.MaxDatapoints < 1 {
			return nil, invalidValue("The value %d for parameter MaxDatapoints is invalid.", *in.MaxDatapoints)
		}
		din.MaxDatapoints = int(*in.MaxDatapoints)
	}
	seen := map[string]bool{}
	for i, q := range in.MetricDataQueries {
		p := name("MetricDataQueries", i)
		if q.Id == nil {
			return nil, missing(p + ".Id")
		}
		if !validID(*q.Id) {
			return nil, invalidValue("The value %s for parameter %s.Id is invalid.", *q.Id, p)
		}
		if seen[*q.Id] {
			return nil, invalidValue("The value %s for parameter %s.Id is duplicated.", *q.Id, p)
		}
		seen[*q.Id] = true
		dq := metrics.DataQuery{ID: *q.Id, Label: deref(q.Label), ReturnData: q.ReturnData == nil || *q.ReturnData}
		switch {
		case q.MetricStat != nil && q.Expression != nil:
			return nil, combination("The parameters %s.MetricStat and %s.Expression are mutually exclusive and you have specified both.", p, p)
		case q.MetricStat == nil && q.Expression == nil:
			return nil, combination("Exactly one of the parameters %s.MetricStat and %s.Expression must be specified.", p, p)
		case q.Expression != nil:
			if len(*q.Expression) < 1 || len(*q.Expression) > 2048 {
				return nil, invalidValue("The value %s for parameter %s.Expression is invalid.", *q.Expression, p)
			}
			dq.Expression = *q.Expression
		default:
			ms := q.MetricStat
			mp := p + ".MetricStat"
			if ms.Metric == nil {
				return nil, missing(mp + ".Metric")
			}
			if err := checkNamespace(ms.Metric.Namespace, mp+".Metric.Namespace", true, false); err != nil {
				return nil, err
			}
			if err := checkMetricName(ms.Metric.MetricName, mp+".Metric.MetricName", true); err != nil {
				return nil, err
			}
			dims, err := checkDimensions(ms.Metric.Dimensions, mp+".Metric.Dimensions", maxDimensions, false)
			if err != nil {
				return nil, err
			}
			if ms.Period == nil {
				return nil, missing(mp + ".Period")
			}
			if err := checkPeriod(*ms.Period, mp+".Period"); err != nil {
				return nil, err
			}
			if ms.Stat == nil {
				return nil, missing(mp + ".Stat")
			}
			if _, ok := metrics.ParsePercentile(*ms.Stat); !ok && !slices.Contains(metrics.Statistics, *ms.Stat) {
				return nil, invalidValue("The value %s for parameter %s.Stat is invalid.", *ms.Stat, mp)
			}
			unit, err := checkUnit(ms.Unit, mp+".Unit")
			if err != nil {
				return nil, err
			}
			dq.Metric = &gofaas.Metric{Namespace: *ms.Metric.Namespace, Name: *ms.Metric.MetricName, Dimensions: dims}
			dq.Period, dq.Stat, dq.Unit = int(*ms.Period), *ms.Stat, unit
		}
		din.Queries = append(din.Queries, dq)
	}
	res, err := c.h.Metrics.GetMetricData(c.ctx, din)
	if err != nil {
		return nil, err
	}
	out := &GetMetricDataOutput{MetricDataResults: make(awsproto.XMLList[MetricDataResult], 0, len(res.Results)),
		NextToken: res.NextToken, Messages: awsproto.XMLList[MessageData]{}}
	for _, r := range res.Results {
		w := MetricDataResult{Id: r.ID, Label: r.Label, StatusCode: r.StatusCode,
			Timestamps: make(awsproto.XMLList[awsproto.Timestamp], len(r.Timestamps)), Values: r.Values}
		for i, t := range r.Timestamps {
			w.Timestamps[i] = awsproto.Timestamp{Time: t}
		}
		for _, m := range r.Messages {
			w.Messages = append(w.Messages, MessageData{Code: m.Code, Value: m.Value})
		}
		out.MetricDataResults = append(out.MetricDataResults, w)
	}
	return out, nil
}
