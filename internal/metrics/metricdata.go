package metrics

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

// DefaultMaxDatapoints is GetMetricData's MaxDatapoints when none is given.
const DefaultMaxDatapoints = 100800

// DataQuery is one MetricDataQuery: a metric statistic (Metric set) or a
// metric math expression.
type DataQuery struct {
	ID         string
	Label      string
	ReturnData bool
	Metric     *gofaas.Metric
	Period     int
	Stat       string // a statistic or percentile
	Unit       string
	Expression string
}

// DataInput is a GetMetricData request.
type DataInput struct {
	Queries    []DataQuery
	Start, End time.Time
	// ScanBy is "TimestampDescending" (the default) or
	// "TimestampAscending".
	ScanBy        string
	MaxDatapoints int // 0: DefaultMaxDatapoints
	NextToken     string
}

// Message is a message about a result.
type Message struct{ Code, Value string }

// DataResult is the data of one returned query (an expression that yields
// several series, METRICS(), gives one result per series with the same ID).
type DataResult struct {
	ID         string
	Label      string
	Timestamps []time.Time
	Values     []float64
	StatusCode string // "Complete" or "PartialData"
	Messages   []Message
}

// DataOutput is a GetMetricData response.
type DataOutput struct {
	Results   []DataResult
	NextToken string
	Messages  []Message
}

// tseries is a time series: ascending Unix seconds and their values.
type tseries struct {
	label string
	ts    []int64
	vals  []float64
}

// value is what an expression yields: a scalar, a series or an array of
// series.
type value struct {
	kind   byte // 's' scalar, 't' series, 'a' array
	scalar float64
	series *tseries
	array  []*tseries
}

// dataEval evaluates the queries of one request.
type dataEval struct {
	r       *Recorder
	ctx     context.Context
	in      *DataInput
	byID    map[string]*DataQuery
	done    map[string]value
	busy    map[string]bool
	allTS   map[int64]bool
	statIDs []string // MetricStat query ids, in request order
}

func exprError(id, format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "InvalidParameterValue", "Error in expression %s: %s", id, fmt.Sprintf(format, args...))
}

// GetMetricData evaluates in's queries and returns the data of those with
// ReturnData, paginated by timestamp so that a page holds at most
// MaxDatapoints values. Query ids, periods and statistics must have been
// validated; an expression error is EINVALID.
func (r *Recorder) GetMetricData(ctx context.Context, in *DataInput) (*DataOutput, error) {
	e := &dataEval{r: r, ctx: ctx, in: in, byID: map[string]*DataQuery{}, done: map[string]value{},
		busy: map[string]bool{}, allTS: map[int64]bool{}}
	for i := range in.Queries {
		q := &in.Queries[i]
		e.byID[q.ID] = q
		if q.Metric != nil {
			e.statIDs = append(e.statIDs, q.ID)
		}
	}
	// Metrics first, so that scalars can span every metric's timestamps.
	for _, id := range e.statIDs {
		if _, err := e.eval(id); err != nil {
			return nil, err
		}
	}
	var results []DataResult
	for i := range in.Queries {
		q := &in.Queries[i]
		v, err := e.eval(q.ID)
		if err != nil {
			return nil, err
		}
		if !q.ReturnData {
			continue
		}
		for _, s := range e.toSeries(v, q) {
			res := DataResult{ID: q.ID, Label: s.label}
			for j := range s.ts {
				res.Timestamps = append(res.Timestamps, time.Unix(s.ts[j], 0).UTC())
				res.Values = append(res.Values, finite(s.vals[j]))
			}
			results = append(results, res)
		}
	}
	return paginate(results, in)
}

// eval returns the value of query id.
func (e *dataEval) eval(id string) (value, error) {
	if v, ok := e.done[id]; ok {
		return v, nil
	}
	q := e.byID[id]
	if q == nil {
		return value{}, exprError(id, "unknown identifier %s", id)
	}
	if e.busy[id] {
		return value{}, exprError(id, "circular dependency")
	}
	e.busy[id] = true
	defer delete(e.busy, id)
	var v value
	if q.Metric != nil {
		s, err := e.metricSeries(q)
		if err != nil {
			return value{}, err
		}
		v = value{kind: 't', series: s}
	} else {
		p := &exprParser{src: q.Expression, id: id, e: e}
		var err error
		if v, err = p.parse(); err != nil {
			return value{}, err
		}
	}
	e.done[id] = v
	return v, nil
}

// metricSeries fetches a MetricStat query's series.
func (e *dataEval) metricSeries(q *DataQuery) (*tseries, error) {
	start := AlignStart(e.in.Start, e.r.now(), q.Period)
	aggs, err := e.r.aggregate(e.ctx, *q.Metric, q.Unit, start, e.in.End, q.Period, true)
	if err != nil {
		return nil, err
	}
	label := q.Label
	if label == "" {
		label = q.Metric.Name
	}
	s := &tseries{label: label}
	for _, a := range aggs {
		v, ok := statValue(a.stats, q.Stat)
		if !ok {
			continue
		}
		t := a.ts.Unix()
		s.ts = append(s.ts, t)
		s.vals = append(s.vals, v)
		e.allTS[t] = true
	}
	return s, nil
}

// toSeries turns a query's value into the series to return.
func (e *dataEval) toSeries(v value, q *DataQuery) []*tseries {
	label := q.Label
	if label == "" {
		label = q.ID
	}
	switch v.kind {
	case 's':
		s := &tseries{label: label}
		if math.IsNaN(v.scalar) || math.IsInf(v.scalar, 0) {
			return []*tseries{s}
		}
		for t := range e.allTS {
			s.ts = append(s.ts, t)
		}
		slices.Sort(s.ts)
		for range s.ts {
			s.vals = append(s.vals, v.scalar)
		}
		return []*tseries{s}
	case 't':
		s := *v.series
		if q.Metric == nil || q.Label != "" {
			s.label = label
		}
		return []*tseries{&s}
	}
	return v.array
}

// ---- expressions

// exprParser is a recursive-descent parser that evaluates as it parses:
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | id | FUNC "(" [ arg { "," arg } ] ")" | "(" expr ")" | "[" expr { "," expr } "]"
//	arg     = expr | string
type exprParser struct {
	src string
	pos int
	id  string
	e   *dataEval
}

func (p *exprParser) parse() (value, error) {
	if len(p.src) > 2048 {
		return value{}, exprError(p.id, "expression too long")
	}
	v, err := p.expr(0)
	if err != nil {
		return value{}, err
	}
	p.skip()
	if p.pos < len(p.src) {
		return value{}, exprError(p.id, "unexpected %q at position %d", p.src[p.pos:], p.pos)
	}
	return v, nil
}

func (p *exprParser) skip() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *exprParser) peek() byte {
	p.skip()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// maxDepth bounds nesting, so that no expression exhausts the stack.
const maxDepth = 64

func (p *exprParser) expr(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, exprError(p.id, "expression nested too deeply")
	}
	l, err := p.term(depth)
	if err != nil {
		return value{}, err
	}
	for {
		op := p.peek()
		if op != '+' && op != '-' {
			return l, nil
		}
		p.pos++
		r, err := p.term(depth)
		if err != nil {
			return value{}, err
		}
		if l, err = p.arith(op, l, r); err != nil {
			return value{}, err
		}
	}
}

func (p *exprParser) term(depth int) (value, error) {
	l, err := p.unary(depth)
	if err != nil {
		return value{}, err
	}
	for {
		op := p.peek()
		if op != '*' && op != '/' {
			return l, nil
		}
		p.pos++
		r, err := p.unary(depth)
		if err != nil {
			return value{}, err
		}
		if l, err = p.arith(op, l, r); err != nil {
			return value{}, err
		}
	}
}

func (p *exprParser) unary(depth int) (value, error) {
	if p.peek() == '-' {
		p.pos++
		if depth > maxDepth {
			return value{}, exprError(p.id, "expression nested too deeply")
		}
		v, err := p.unary(depth + 1)
		if err != nil {
			return value{}, err
		}
		return p.arith('*', value{kind: 's', scalar: -1}, v)
	}
	return p.primary(depth)
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' }

func (p *exprParser) primary(depth int) (value, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.pos++
		v, err := p.expr(depth + 1)
		if err != nil {
			return value{}, err
		}
		if p.peek() != ')' {
			return value{}, exprError(p.id, "expected ) at position %d", p.pos)
		}
		p.pos++
		return v, nil
	case c == '[':
		p.pos++
		var arr []*tseries
		for {
			v, err := p.expr(depth + 1)
			if err != nil {
				return value{}, err
			}
			switch v.kind {
			case 't':
				arr = append(arr, v.series)
			case 'a':
				arr = append(arr, v.array...)
			default:
				return value{}, exprError(p.id, "an array holds time series, not scalars")
			}
			switch p.peek() {
			case ',':
				p.pos++
				continue
			case ']':
				p.pos++
				return value{kind: 'a', array: arr}, nil
			}
			return value{}, exprError(p.id, "expected ] at position %d", p.pos)
		}
	case c >= '0' && c <= '9' || c == '.':
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.' ||
			p.src[p.pos] == 'e' || p.src[p.pos] == 'E' ||
			(p.src[p.pos] == '-' || p.src[p.pos] == '+') && p.pos > start && (p.src[p.pos-1] == 'e' || p.src[p.pos-1] == 'E')) {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.src[start:p.pos], 64)
		if err != nil {
			return value{}, exprError(p.id, "bad number %q", p.src[start:p.pos])
		}
		return value{kind: 's', scalar: f}, nil
	case isIdentStart(c):
		start := p.pos
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.pos++
		}
		name := p.src[start:p.pos]
		if p.peek() == '(' {
			p.pos++
			return p.call(strings.ToUpper(name), depth)
		}
		return p.e.eval(name)
	}
	if c == 0 {
		return value{}, exprError(p.id, "unexpected end of expression")
	}
	return value{}, exprError(p.id, "unexpected %q at position %d", c, p.pos)
}

// call parses a function's arguments (after "(") and applies it.
func (p *exprParser) call(fn string, depth int) (value, error) {
	var args []value
	var strs []string
	if p.peek() != ')' {
		for {
			if c := p.peek(); c == '"' || c == '\'' {
				p.pos++
				end := strings.IndexByte(p.src[p.pos:], c)
				if end < 0 {
					return value{}, exprError(p.id, "unterminated string")
				}
				strs = append(strs, p.src[p.pos:p.pos+end])
				p.pos += end + 1
			} else {
				v, err := p.expr(depth + 1)
				if err != nil {
					return value{}, err
				}
				args = append(args, v)
			}
			if p.peek() == ',' {
				p.pos++
				continue
			}
			break
		}
	}
	if p.peek() != ')' {
		return value{}, exprError(p.id, "expected ) at position %d", p.pos)
	}
	p.pos++
	switch fn {
	case "METRICS":
		if len(args) > 0 || len(strs) > 1 {
			return value{}, exprError(p.id, "METRICS takes at most one string")
		}
		prefix := ""
		if len(strs) == 1 {
			prefix = strs[0]
		}
		var arr []*tseries
		for _, id := range p.e.statIDs {
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			v, err := p.e.eval(id)
			if err != nil {
				return value{}, err
			}
			arr = append(arr, v.series)
		}
		return value{kind: 'a', array: arr}, nil
	case "SUM", "AVG", "MIN", "MAX":
		if len(strs) > 0 || len(args) == 0 {
			return value{}, exprError(p.id, "%s takes time series", fn)
		}
		var arr []*tseries
		if len(args) == 1 && args[0].kind == 't' {
			return value{kind: 's', scalar: reduce(fn, args[0].series.vals)}, nil
		}
		for _, a := range args {
			switch a.kind {
			case 't':
				arr = append(arr, a.series)
			case 'a':
				arr = append(arr, a.array...)
			default:
				return value{}, exprError(p.id, "%s takes time series, not scalars", fn)
			}
		}
		return value{kind: 't', series: across(fn, arr)}, nil
	case "ABS":
		if len(args) != 1 || len(strs) > 0 {
			return value{}, exprError(p.id, "ABS takes one argument")
		}
		return mapValue(args[0], math.Abs), nil
	}
	return value{}, exprError(p.id, "unknown function %s", fn)
}

// reduce applies an aggregate to values.
func reduce(fn string, vals []float64) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	out := vals[0]
	sum := 0.0
	for _, v := range vals {
		sum += v
		out = pick(fn, out, v)
	}
	switch fn {
	case "SUM":
		return sum
	case "AVG":
		return sum / float64(len(vals))
	}
	return out
}

func pick(fn string, a, b float64) float64 {
	switch fn {
	case "MIN":
		return min(a, b)
	case "MAX":
		return max(a, b)
	}
	return a
}

// across applies an aggregate at each timestamp across series, over the
// values present at that timestamp.
func across(fn string, arr []*tseries) *tseries {
	type acc struct {
		sum, pick float64
		n         int
	}
	byTS := map[int64]*acc{}
	for _, s := range arr {
		for i, t := range s.ts {
			v := s.vals[i]
			a := byTS[t]
			if a == nil {
				byTS[t] = &acc{sum: v, pick: v, n: 1}
				continue
			}
			a.sum += v
			a.pick = pick(fn, a.pick, v)
			a.n++
		}
	}
	out := &tseries{}
	for t := range byTS {
		out.ts = append(out.ts, t)
	}
	slices.Sort(out.ts)
	for _, t := range out.ts {
		a := byTS[t]
		switch fn {
		case "SUM":
			out.vals = append(out.vals, a.sum)
		case "AVG":
			out.vals = append(out.vals, a.sum/float64(a.n))
		default:
			out.vals = append(out.vals, a.pick)
		}
	}
	return out
}

func mapValue(v value, f func(float64) float64) value {
	switch v.kind {
	case 's':
		return value{kind: 's', scalar: f(v.scalar)}
	case 't':
		return value{kind: 't', series: mapSeries(v.series, f)}
	}
	arr := make([]*tseries, len(v.array))
	for i, s := range v.array {
		arr[i] = mapSeries(s, f)
	}
	return value{kind: 'a', array: arr}
}

func mapSeries(s *tseries, f func(float64) float64) *tseries {
	out := &tseries{label: s.label}
	for i, t := range s.ts {
		if v := f(s.vals[i]); !math.IsNaN(v) && !math.IsInf(v, 0) {
			out.ts = append(out.ts, t)
			out.vals = append(out.vals, v)
		}
	}
	return out
}

func apply(op byte, a, b float64) float64 {
	switch op {
	case '+':
		return a + b
	case '-':
		return a - b
	case '*':
		return a * b
	}
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// combine applies op at the timestamps both series have.
func combine(op byte, a, b *tseries) *tseries {
	out := &tseries{label: a.label}
	i, j := 0, 0
	for i < len(a.ts) && j < len(b.ts) {
		switch {
		case a.ts[i] < b.ts[j]:
			i++
		case a.ts[i] > b.ts[j]:
			j++
		default:
			if v := apply(op, a.vals[i], b.vals[j]); !math.IsNaN(v) && !math.IsInf(v, 0) {
				out.ts = append(out.ts, a.ts[i])
				out.vals = append(out.vals, v)
			}
			i++
			j++
		}
	}
	return out
}

// arith applies a binary operator to two values: scalars and series
// elementwise, series pairwise by timestamp, arrays per member.
func (p *exprParser) arith(op byte, l, r value) (value, error) {
	switch {
	case l.kind == 's' && r.kind == 's':
		v := apply(op, l.scalar, r.scalar)
		return value{kind: 's', scalar: v}, nil
	case l.kind == 'a' && r.kind == 'a':
		return value{}, exprError(p.id, "cannot combine two arrays of time series")
	case l.kind == 'a':
		arr := make([]*tseries, len(l.array))
		for i, s := range l.array {
			v, err := p.arith(op, value{kind: 't', series: s}, r)
			if err != nil {
				return value{}, err
			}
			arr[i] = v.series
		}
		return value{kind: 'a', array: arr}, nil
	case r.kind == 'a':
		arr := make([]*tseries, len(r.array))
		for i, s := range r.array {
			v, err := p.arith(op, l, value{kind: 't', series: s})
			if err != nil {
				return value{}, err
			}
			arr[i] = v.series
		}
		return value{kind: 'a', array: arr}, nil
	case l.kind == 's':
		out := mapSeries(r.series, func(v float64) float64 { return apply(op, l.scalar, v) })
		return value{kind: 't', series: out}, nil
	case r.kind == 's':
		out := mapSeries(l.series, func(v float64) float64 { return apply(op, v, r.scalar) })
		return value{kind: 't', series: out}, nil
	}
	return value{kind: 't', series: combine(op, l.series, r.series)}, nil
}

// ---- pagination

// paginate cuts results into the page NextToken asks for: timestamps in
// ScanBy order, as many as fit MaxDatapoints values across all results.
func paginate(results []DataResult, in *DataInput) (*DataOutput, error) {
	desc := in.ScanBy != "TimestampAscending"
	limit := in.MaxDatapoints
	if limit <= 0 {
		limit = DefaultMaxDatapoints
	}
	var cursor int64
	hasCursor := false
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err == nil {
			cursor, err = strconv.ParseInt(string(b), 10, 64)
		}
		if err != nil {
			return nil, gofaas.TypedErrorf(gofaas.EINVALID, "InvalidNextToken", "The service couldn't process the NextToken.")
		}
		hasCursor = true
	}
	after := func(t int64) bool { // whether t is still to be returned
		if !hasCursor {
			return true
		}
		if desc {
			return t < cursor
		}
		return t > cursor
	}
	counts := map[int64]int{}
	for _, r := range results {
		for _, t := range r.Timestamps {
			if u := t.Unix(); after(u) {
				counts[u]++
			}
		}
	}
	order := make([]int64, 0, len(counts))
	for t := range counts {
		order = append(order, t)
	}
	sort.Slice(order, func(i, j int) bool {
		if desc {
			return order[i] > order[j]
		}
		return order[i] < order[j]
	})
	take := map[int64]bool{}
	n := 0
	var last int64
	more := false
	for i, t := range order {
		if n > 0 && n+counts[t] > limit {
			more = i < len(order)
			break
		}
		take[t] = true
		n += counts[t]
		last = t
	}
	out := &DataOutput{}
	status := "Complete"
	if more {
		status = "PartialData"
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last, 10)))
	}
	for _, r := range results {
		page := DataResult{ID: r.ID, Label: r.Label, StatusCode: status, Timestamps: []time.Time{}, Values: []float64{}}
		idx := make([]int, 0, len(r.Timestamps))
		for i, t := range r.Timestamps {
			if take[t.Unix()] {
				idx = append(idx, i)
			}
		}
		if desc {
			slices.Reverse(idx)
		}
		for _, i := range idx {
			page.Timestamps = append(page.Timestamps, r.Timestamps[i])
			page.Values = append(page.Values, r.Values[i])
		}
		out.Results = append(out.Results, page)
	}
	return out, nil
}
