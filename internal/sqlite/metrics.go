package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

var _ gofaas.MetricStore = (*MetricStore)(nil)

// MetricStore implements gofaas.MetricStore on a DB. Writes merge into
// existing points (read, merge, upsert inside the write transaction), so
// any number of partial aggregates of one interval add up.
type MetricStore struct {
	db *DB

	// mu serializes writers, so that the id cache never names a series
	// that a rolled-back or concurrent transaction did not create.
	mu  sync.Mutex
	ids map[string]int64 // metric key → series id, of committed series
}

// NewMetricStore returns a MetricStore backed by db, which must be open
// before the store is used.
func NewMetricStore(db *DB) *MetricStore {
	return &MetricStore{db: db, ids: map[string]int64{}}
}

// Retention of each resolution, and the resolution its points roll into
// (AWS: high-resolution points 3 hours, 1-minute 15 days, 5-minute 63 days,
// 1-hour 455 days).
var metricRollups = []struct {
	from, to int
	age      time.Duration
}{
	{1, 60, 3 * time.Hour},
	{60, 300, 15 * 24 * time.Hour},
	{300, 3600, 63 * 24 * time.Hour},
}

// MetricRetention is how long the coarsest points are kept.
const MetricRetention = 455 * 24 * time.Hour

type pointKey struct {
	series int64
	ts     int64
	res    int
	unit   string
}

// PutMetricPoints implements gofaas.MetricStore.
func (s *MetricStore) PutMetricPoints(ctx context.Context, points []gofaas.MetricPoint) error {
	if len(points) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	newIDs := map[string]int64{}
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		w, err := newPointWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		last := map[int64]int64{}
		for i := range points {
			p := &points[i]
			key := p.Metric.Key()
			id, ok := s.ids[key]
			if !ok {
				id, ok = newIDs[key]
			}
			if !ok {
				if id, err = s.seriesID(ctx, tx, &p.Metric, key); err != nil {
					return err
				}
				newIDs[key] = id
			}
			res := p.Resolution
			if res <= 0 {
				res = 60
			}
			if err := w.merge(pointKey{id, p.Time.Unix(), res, p.Unit}, &p.Stats); err != nil {
				return err
			}
			end := p.Time.Add(time.Duration(res) * time.Second).UnixNano()
			last[id] = max(last[id], end)
		}
		for id, ns := range last {
			if _, err := tx.ExecContext(ctx, `UPDATE metric_series SET last_ns = ? WHERE id = ? AND last_ns < ?`, ns, id, ns); err != nil {
				return fmt.Errorf("update metric series: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, id := range newIDs {
		s.ids[k] = id
	}
	return nil
}

// seriesID returns the id of the series key, creating it.
func (s *MetricStore) seriesID(ctx context.Context, tx *sql.Tx, m *gofaas.Metric, key string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM metric_series WHERE metric_key = ?`, key).Scan(&id)
	if err == nil {
		return id, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find metric series: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM metric_series`).Scan(&id); err != nil {
		return 0, fmt.Errorf("allocate metric series id: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO metric_series (id, metric_key, namespace, name, last_ns) VALUES (?, ?, ?, ?, 0)`,
		id, key, m.Namespace, m.Name); err != nil {
		return 0, fmt.Errorf("create metric series: %w", err)
	}
	return id, nil
}

// pointWriter merges points into metric_points with prepared statements.
type pointWriter struct {
	ctx      context.Context
	get, put *sql.Stmt
}

func newPointWriter(ctx context.Context, tx *sql.Tx) (*pointWriter, error) {
	w := &pointWriter{ctx: ctx}
	var err error
	if w.get, err = tx.PrepareContext(ctx, `SELECT sample_count, sum, minimum, maximum, no_percentiles, hist FROM metric_points
		WHERE series_id = ? AND ts = ? AND resolution = ? AND unit = ?`); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if w.put, err = tx.PrepareContext(ctx, `INSERT INTO metric_points
		(series_id, ts, resolution, unit, sample_count, sum, minimum, maximum, no_percentiles, hist)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (series_id, ts, resolution, unit) DO UPDATE SET
		sample_count = excluded.sample_count, sum = excluded.sum, minimum = excluded.minimum,
		maximum = excluded.maximum, no_percentiles = excluded.no_percentiles, hist = excluded.hist`); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return w, nil
}

func (w *pointWriter) close() {
	for _, st := range []*sql.Stmt{w.get, w.put} {
		if st != nil {
			st.Close()
		}
	}
}

// merge adds st to the stored point k.
func (w *pointWriter) merge(k pointKey, st *gofaas.Stats) error {
	row := w.get.QueryRowContext(w.ctx, k.series, k.ts, k.res, k.unit)
	old, err := scanStats(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		old = st
	case err != nil:
		return fmt.Errorf("read metric point: %w", err)
	default:
		old.Merge(st)
	}
	var hist []byte
	if !old.NoPercentiles && len(old.Hist) > 0 {
		hist, _ = old.Hist.MarshalBinary()
	}
	if _, err := w.put.ExecContext(w.ctx, k.series, k.ts, k.res, k.unit, old.SampleCount, old.Sum, old.Min, old.Max,
		boolInt(old.NoPercentiles), hist); err != nil {
		return fmt.Errorf("write metric point: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanStats reads sample_count, sum, minimum, maximum, no_percentiles,
// hist.
func scanStats(r scanner, extra ...any) (*gofaas.Stats, error) {
	var st gofaas.Stats
	var noPct int
	var hist []byte
	dest := append(extra, &st.SampleCount, &st.Sum, &st.Min, &st.Max, &noPct, &hist)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	st.NoPercentiles = noPct != 0
	if !st.NoPercentiles && len(hist) > 0 {
		h, err := gofaas.UnmarshalHistogram(hist)
		if err != nil {
			return nil, err
		}
		st.Hist = h
	}
	return &st, nil
}

// MetricPoints implements gofaas.MetricStore.
func (s *MetricStore) MetricPoints(ctx context.Context, m gofaas.Metric, unit string, start, end time.Time) ([]gofaas.MetricPoint, error) {
	r, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	key := m.Key()
	var id int64
	if err := r.QueryRowContext(ctx, `SELECT id FROM metric_series WHERE metric_key = ?`, key).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find metric series: %w", err)
	}
	q := `SELECT ts, resolution, unit, sample_count, sum, minimum, maximum, no_percentiles, hist FROM metric_points
		WHERE series_id = ? AND ts >= ? AND ts < ?`
	args := []any{id, start.Unix(), end.Unix()}
	if unit != "" {
		q += ` AND unit = ?`
		args = append(args, unit)
	}
	rows, err := r.QueryContext(ctx, q+` ORDER BY ts`, args...)
	if err != nil {
		return nil, fmt.Errorf("read metric points: %w", err)
	}
	defer rows.Close()
	var out []gofaas.MetricPoint
	for rows.Next() {
		var ts int64
		p := gofaas.MetricPoint{Metric: m}
		st, err := scanStats(rows, &ts, &p.Resolution, &p.Unit)
		if err != nil {
			return nil, fmt.Errorf("read metric point: %w", err)
		}
		p.Time, p.Stats = time.Unix(ts, 0).UTC(), *st
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read metric points: %w", err)
	}
	return out, nil
}

// ListMetrics implements gofaas.MetricStore.
func (s *MetricStore) ListMetrics(ctx context.Context, f *gofaas.MetricFilter) ([]gofaas.Metric, error) {
	r, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	q := `SELECT metric_key FROM metric_series WHERE metric_key > ? AND last_ns >= ?`
	args := []any{f.After, toNS(f.ActiveSince)}
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, f.Namespace)
	}
	if f.Name != "" {
		q += ` AND name = ?`
		args = append(args, f.Name)
	}
	rows, err := r.QueryContext(ctx, q+` ORDER BY metric_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("list metrics: %w", err)
	}
	defer rows.Close()
	var out []gofaas.Metric
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, fmt.Errorf("list metrics: %w", err)
		}
		m, err := gofaas.ParseMetricKey(key)
		if err != nil {
			return nil, fmt.Errorf("list metrics: %w", err)
		}
		if !f.Match(&m) {
			continue
		}
		out = append(out, m)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list metrics: %w", err)
	}
	return out, nil
}

// rollupBatch bounds the points one rollup transaction reads.
const rollupBatch = 5000

// RollupMetrics implements gofaas.MetricStore.
func (s *MetricStore) RollupMetrics(ctx context.Context, now time.Time) error {
	for _, r := range metricRollups {
		to := int64(r.to)
		cutoff := now.Add(-r.age).Unix() / to * to
		for {
			n, err := s.rollupBatch(ctx, r.from, r.to, cutoff)
			if err != nil {
				return err
			}
			if n < rollupBatch {
				break
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		old := now.Add(-MetricRetention)
		if _, err := tx.ExecContext(ctx, `DELETE FROM metric_points WHERE ts < ?`, old.Unix()); err != nil {
			return fmt.Errorf("expire metric points: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM metric_series WHERE last_ns < ?
			AND NOT EXISTS (SELECT 1 FROM metric_points WHERE series_id = metric_series.id)`, old.UnixNano())
		if err != nil {
			return fmt.Errorf("expire metric series: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			clear(s.ids)
		}
		return nil
	})
}

// rollupBatch moves up to rollupBatch points of resolution from older than
// cutoff into resolution to, and returns how many it moved.
func (s *MetricStore) rollupBatch(ctx context.Context, from, to int, cutoff int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT series_id, ts, unit, sample_count, sum, minimum, maximum, no_percentiles, hist
			FROM metric_points WHERE resolution = ? AND ts < ? ORDER BY series_id, ts LIMIT ?`, from, cutoff, rollupBatch)
		if err != nil {
			return fmt.Errorf("read metric points to roll up: %w", err)
		}
		type old struct {
			series, ts int64
			unit       string
		}
		var olds []old
		merged := map[pointKey]*gofaas.Stats{}
		var order []pointKey
		for rows.Next() {
			var o old
			st, err := scanStats(rows, &o.series, &o.ts, &o.unit)
			if err != nil {
				rows.Close()
				return fmt.Errorf("read metric point to roll up: %w", err)
			}
			olds = append(olds, o)
			k := pointKey{o.series, o.ts / int64(to) * int64(to), to, o.unit}
			if m, ok := merged[k]; ok {
				m.Merge(st)
			} else {
				merged[k] = st
				order = append(order, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read metric points to roll up: %w", err)
		}
		n = len(olds)
		w, err := newPointWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for _, k := range order {
			if err := w.merge(k, merged[k]); err != nil {
				return err
			}
		}
		del, err := tx.PrepareContext(ctx, `DELETE FROM metric_points WHERE series_id = ? AND ts = ? AND resolution = ? AND unit = ?`)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		defer del.Close()
		for _, o := range olds {
			if _, err := del.ExecContext(ctx, o.series, o.ts, from, o.unit); err != nil {
				return fmt.Errorf("delete rolled-up metric point: %w", err)
			}
		}
		return nil
	})
	return n, err
}
