package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"time"
	"unicode/utf8"

	"github.com/gofaas/gofaas"
)

// CreateLogGroup creates g, setting g.Created; it returns ECONFLICT with
// CloudWatch Logs' message if the group exists.
func (s *LogStore) CreateLogGroup(ctx context.Context, g *gofaas.LogGroup) error {
	now := s.db.now()
	tags, err := encodeTags(g.Tags)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO log_groups (name, created_ns, stored_bytes, retention_days, tags)
			VALUES (?, ?, 0, ?, ?) ON CONFLICT (name) DO NOTHING`, g.Name, now.UnixNano(), g.RetentionDays, tags)
		if err != nil {
			return fmt.Errorf("create log group %s: %w", g.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "The specified log group already exists")
		}
		g.Created = fromNS(now.UnixNano())
		return nil
	})
}

// GetLogGroup returns a log group.
func (s *LogStore) GetLogGroup(ctx context.Context, name string) (*gofaas.LogGroup, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	groups, err := queryGroups(ctx, rd, `WHERE name = ?`, name)
	if err != nil {
		return nil, err
	} else if len(groups) == 0 {
		return nil, errGroupNotFound()
	}
	return &groups[0], nil
}

// DeleteLogGroup deletes a group, its streams and their events.
func (s *LogStore) DeleteLogGroup(ctx context.Context, name string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM log_events WHERE stream_id IN (SELECT id FROM log_streams WHERE group_name = ?)`, name); err != nil {
			return fmt.Errorf("delete log group %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM log_streams WHERE group_name = ?`, name); err != nil {
			return fmt.Errorf("delete log group %s: %w", name, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM log_groups WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("delete log group %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errGroupNotFound()
		}
		for k := range s.st.streams {
			if k.group == name {
				delete(s.st.streams, k)
			}
		}
		return nil
	})
}

// ListLogGroups returns the groups q selects, ordered by name.
func (s *LogStore) ListLogGroups(ctx context.Context, q gofaas.LogGroupQuery) ([]gofaas.LogGroup, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	where := `WHERE name > ? AND substr(name, 1, ?) = ?`
	args := []any{q.After, utf8.RuneCountInString(q.Prefix), q.Prefix}
	if q.Pattern != "" {
		where += ` AND instr(lower(name), lower(?)) > 0`
		args = append(args, q.Pattern)
	}
	return queryGroups(ctx, rd, where+` ORDER BY name`+limitClause(q.Limit), args...)
}

// LogGroups returns the log groups whose names start with prefix, ordered
// by name, after marker (a name; empty for the start), at most max (no
// limit if max <= 0).
func (s *LogStore) LogGroups(ctx context.Context, prefix, marker string, max int) ([]LogGroup, error) {
	return s.ListLogGroups(ctx, gofaas.LogGroupQuery{Prefix: prefix, After: marker, Limit: max})
}

// queryGroups returns the log groups of a query's tail (WHERE ...).
func queryGroups(ctx context.Context, q queryer, tail string, args ...any) ([]gofaas.LogGroup, error) {
	// A group's stored bytes are its streams' sum, so that PutLogEvents
	// writes no group row.
	rows, err := q.QueryContext(ctx, `SELECT name, created_ns, retention_days,
		(SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_name = log_groups.name), tags
		FROM log_groups `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	defer rows.Close()
	var out []gofaas.LogGroup
	for rows.Next() {
		var g gofaas.LogGroup
		var created int64
		var tags string
		if err := rows.Scan(&g.Name, &created, &g.RetentionDays, &g.StoredBytes, &tags); err != nil {
			return nil, fmt.Errorf("list log groups: %w", err)
		}
		g.Created = fromNS(created)
		if err := json.Unmarshal([]byte(tags), &g.Tags); err != nil {
			return nil, fmt.Errorf("decode tags of log group %s: %w", g.Name, err)
		}
		if len(g.Tags) == 0 {
			g.Tags = nil
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	return out, nil
}

// PutRetentionPolicy sets a group's retention in days; 0 removes it.
func (s *LogStore) PutRetentionPolicy(ctx context.Context, group string, days int) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE log_groups SET retention_days = ? WHERE name = ?`, days, group)
		if err != nil {
			return fmt.Errorf("put retention policy of %s: %w", group, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errGroupNotFound()
		}
		return nil
	})
}

// TagLogGroup adds tags to a group, replacing the values of keys it has.
func (s *LogStore) TagLogGroup(ctx context.Context, group string, tags map[string]string) error {
	return s.updateTags(ctx, group, func(t map[string]string) { maps.Copy(t, tags) })
}

// UntagLogGroup removes the given tag keys from a group.
func (s *LogStore) UntagLogGroup(ctx context.Context, group string, keys []string) error {
	return s.updateTags(ctx, group, func(t map[string]string) {
		for _, k := range keys {
			delete(t, k)
		}
	})
}

func (s *LogStore) updateTags(ctx context.Context, group string, change func(map[string]string)) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT tags FROM log_groups WHERE name = ?`, group).Scan(&raw)
		if err == sql.ErrNoRows {
			return errGroupNotFound()
		} else if err != nil {
			return fmt.Errorf("tag log group %s: %w", group, err)
		}
		tags := map[string]string{}
		if err := json.Unmarshal([]byte(raw), &tags); err != nil || tags == nil {
			tags = map[string]string{}
		}
		change(tags)
		enc, err := encodeTags(tags)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE log_groups SET tags = ? WHERE name = ?`, enc, group); err != nil {
			return fmt.Errorf("tag log group %s: %w", group, err)
		}
		return nil
	})
}

// CreateLogStream creates a stream in an existing group; it returns
// ECONFLICT if the stream exists.
func (s *LogStore) CreateLogStream(ctx context.Context, group, stream string) error {
	now := s.db.now()
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_groups WHERE name = ?`, group).Scan(&n); err != nil {
			return fmt.Errorf("create log stream %s/%s: %w", group, stream, err)
		} else if n == 0 {
			return errGroupNotFound()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO log_streams (group_name, name, created_ns) VALUES (?, ?, ?)
			ON CONFLICT (group_name, name) DO NOTHING`, group, stream, now.UnixNano())
		if err != nil {
			return fmt.Errorf("create log stream %s/%s: %w", group, stream, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "The specified log stream already exists")
		}
		return nil
	})
}

// DeleteLogStream deletes a stream and its events.
func (s *LogStore) DeleteLogStream(ctx context.Context, group, stream string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		id, err := lookupStream(ctx, tx, group, stream)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM log_events WHERE stream_id = ?`, `DELETE FROM log_streams WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("delete log stream %s/%s: %w", group, stream, err)
			}
		}
		delete(s.st.streams, streamKey{group, stream})
		return nil
	})
}

// ListLogStreams returns the streams q selects.
func (s *LogStore) ListLogStreams(ctx context.Context, q gofaas.LogStreamQuery) ([]gofaas.LogStream, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	var n int
	if err := rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_groups WHERE name = ?`, q.Group).Scan(&n); err != nil {
		return nil, fmt.Errorf("check log group %s: %w", q.Group, err)
	} else if n == 0 {
		return nil, errGroupNotFound()
	}
	where := `WHERE group_name = ? AND substr(name, 1, ?) = ?`
	args := []any{q.Group, utf8.RuneCountInString(q.Prefix), q.Prefix}
	cmp, dir := ">", ""
	if q.Descending {
		cmp, dir = "<", " DESC"
	}
	if q.ByLastEvent {
		if q.After != nil {
			where += ` AND (last_event_ns, name) ` + cmp + ` (?, ?)`
			args = append(args, toNS(q.After.LastEvent), q.After.Name)
		}
		where += ` ORDER BY last_event_ns` + dir + `, name` + dir
	} else {
		if q.After != nil {
			where += ` AND name ` + cmp + ` ?`
			args = append(args, q.After.Name)
		}
		where += ` ORDER BY name` + dir
	}
	return queryStreams(ctx, rd, q.Group, where+limitClause(q.Limit), args...)
}

// LogStreams returns the streams of group whose names start with prefix,
// ordered by name, after marker, at most max (no limit if max <= 0). It
// returns ENOTFOUND for a missing group.
func (s *LogStore) LogStreams(ctx context.Context, group, prefix, marker string, max int) ([]LogStream, error) {
	q := gofaas.LogStreamQuery{Group: group, Prefix: prefix, Limit: max}
	if marker != "" {
		q.After = &gofaas.LogStream{Name: marker}
	}
	return s.ListLogStreams(ctx, q)
}

// queryStreams returns the log streams of a query's tail (WHERE ...).
func queryStreams(ctx context.Context, q queryer, group, tail string, args ...any) ([]gofaas.LogStream, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, created_ns, first_event_ns, last_event_ns, last_ingestion_ns, stored_bytes, last_seq
		FROM log_streams `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list log streams of %s: %w", group, err)
	}
	defer rows.Close()
	var out []gofaas.LogStream
	for rows.Next() {
		st := gofaas.LogStream{Group: group}
		var created, first, last, ing int64
		if err := rows.Scan(&st.Name, &created, &first, &last, &ing, &st.StoredBytes, &st.LastSeq); err != nil {
			return nil, fmt.Errorf("list log streams of %s: %w", group, err)
		}
		st.Created, st.FirstEvent, st.LastEvent, st.LastIngestion = fromNS(created), fromNS(first), fromNS(last), fromNS(ing)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list log streams of %s: %w", group, err)
	}
	return out, nil
}

// EnforceRetention deletes the events older than their group's retention
// at now, updating the streams' stored bytes and first event
// times, and returns how many events it deleted.
func (s *LogStore) EnforceRetention(ctx context.Context, now time.Time) (int64, error) {
	rd, err := s.db.reader()
	if err != nil {
		return 0, err
	}
	type target struct {
		id     int64
		group  string
		cutoff int64
	}
	rows, err := rd.QueryContext(ctx, `SELECT s.id, g.name, g.retention_days FROM log_groups g
		JOIN log_streams s ON s.group_name = g.name
		WHERE g.retention_days > 0 AND s.first_event_ns > 0`)
	if err != nil {
		return 0, fmt.Errorf("enforce log retention: %w", err)
	}
	var targets []target
	for rows.Next() {
		var t target
		var days int64
		if err := rows.Scan(&t.id, &t.group, &days); err != nil {
			rows.Close()
			return 0, fmt.Errorf("enforce log retention: %w", err)
		}
		t.cutoff = now.Add(-time.Duration(days) * 24 * time.Hour).UnixNano()
		targets = append(targets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("enforce log retention: %w", err)
	}
	var total int64
	for _, t := range targets {
		// One transaction per stream keeps the write lock short for the
		// invoke path.
		err := s.write(ctx, func(tx *sql.Tx) error {
			var n, bytes int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(length(CAST(message AS BLOB))), 0)
				FROM log_events WHERE stream_id = ? AND timestamp_ns < ?`, t.id, t.cutoff).Scan(&n, &bytes); err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM log_events WHERE stream_id = ? AND timestamp_ns < ?`, t.id, t.cutoff); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE log_streams SET stored_bytes = max(stored_bytes - ?, 0),
				first_event_ns = COALESCE((SELECT MIN(timestamp_ns) FROM log_events WHERE stream_id = ?), 0)
				WHERE id = ?`, bytes, t.id, t.id); err != nil {
				return err
			}
			total += n
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("enforce log retention: %w", err)
		}
	}
	return total, nil
}
