package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/google/uuid"
)

var _ gofaas.EventQueue = (*EventQueue)(nil)

// EventQueue implements gofaas.EventQueue on a DB: a table of accepted
// asynchronous invocations with a lease per event.
//
// Claim leases due events in one write transaction, so two claimers never
// receive the same event while its lease holds; an event whose lease ran
// out (its deliverer crashed) is claimable again. Delivery is therefore at
// least once, as in AWS.
type EventQueue struct {
	db *DB
}

// NewEventQueue returns an EventQueue backed by db, which must be open
// before the queue is used.
func NewEventQueue(db *DB) *EventQueue {
	return &EventQueue{db: db}
}

// Enqueue stores ev and returns once it is committed. It sets ev.ID to a
// new id if empty, ev.Received to now if zero, and ev.NotBefore to
// ev.Received if zero. It returns ECONFLICT if an event with ev.ID exists.
func (q *EventQueue) Enqueue(ctx context.Context, ev *gofaas.AsyncEvent) error {
	e := *ev
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.Received.IsZero() {
		e.Received = q.db.now()
	}
	if e.NotBefore.IsZero() {
		e.NotBefore = e.Received
	}
	err := q.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO async_events
			(id, function_name, qualifier, payload, attempts, received_ns, not_before_ns, lease_until_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING`,
			e.ID, e.FunctionName, e.Qualifier, e.Payload, e.Attempts, toNS(e.Received), toNS(e.NotBefore))
		if err != nil {
			return fmt.Errorf("enqueue event %s: %w", e.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("enqueue event %s: %w", e.ID, err)
		} else if n == 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "Event already exists: %s", e.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*ev = e
	return nil
}

// Claim leases up to max events (no limit if max <= 0) whose NotBefore is
// not after now and whose lease, if any, has run out at now, until
// now+lease. Events come oldest due first.
func (q *EventQueue) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*gofaas.AsyncEvent, error) {
	if lease <= 0 {
		return nil, gofaas.Errorf(gofaas.EINVALID, "lease must be positive")
	}
	nowNS, until := now.UnixNano(), now.Add(lease).UnixNano()
	var out []*gofaas.AsyncEvent
	err := q.db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, function_name, qualifier, payload, attempts, received_ns, not_before_ns
			FROM async_events WHERE not_before_ns <= ? AND lease_until_ns <= ?
			ORDER BY not_before_ns, received_ns, id`+limitClause(max), nowNS, nowNS)
		if err != nil {
			return fmt.Errorf("claim events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e gofaas.AsyncEvent
			var received, notBefore int64
			if err := rows.Scan(&e.ID, &e.FunctionName, &e.Qualifier, &e.Payload, &e.Attempts, &received, &notBefore); err != nil {
				return fmt.Errorf("claim events: %w", err)
			}
			e.Received, e.NotBefore = fromNS(received), fromNS(notBefore)
			out = append(out, &e)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim events: %w", err)
		}
		rows.Close()
		if len(out) == 0 {
			return nil
		}
		// Lease in chunks to stay under the bound-parameter limit.
		for batch := range slices.Chunk(out, 500) {
			args := make([]any, 0, len(batch)+1)
			args = append(args, until)
			for _, e := range batch {
				args = append(args, e.ID)
			}
			placeholders := strings.Repeat(", ?", len(batch))[2:]
			if _, err := tx.ExecContext(ctx, `UPDATE async_events SET lease_until_ns = ? WHERE id IN (`+placeholders+`)`, args...); err != nil {
				return fmt.Errorf("lease events: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Done removes a delivered (or dropped) event. Removing an unknown event
// is not an error: a delivery whose lease ran out may finish twice.
func (q *EventQueue) Done(ctx context.Context, id string) error {
	return q.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM async_events WHERE id = ?`, id); err != nil {
			return fmt.Errorf("remove event %s: %w", id, err)
		}
		return nil
	})
}

// Retry records a failed attempt: it sets the event's attempts, releases
// its lease and makes it due again at notBefore. It returns ENOTFOUND for
// an unknown event.
func (q *EventQueue) Retry(ctx context.Context, id string, attempts int, notBefore time.Time) error {
	return q.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE async_events SET attempts = ?, not_before_ns = ?, lease_until_ns = 0 WHERE id = ?`,
			attempts, toNS(notBefore), id)
		if err != nil {
			return fmt.Errorf("retry event %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("retry event %s: %w", id, err)
		} else if n == 0 {
			return gofaas.Errorf(gofaas.ENOTFOUND, "Event not found: %s", id)
		}
		return nil
	})
}

// Pending counts stored events, leased or not, of function, or of all
// functions if function is empty.
func (q *EventQueue) Pending(ctx context.Context, function string) (int, error) {
	rd, err := q.db.reader()
	if err != nil {
		return 0, err
	}
	var n int
	if function == "" {
		err = rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM async_events`).Scan(&n)
	} else {
		err = rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM async_events WHERE function_name = ?`, function).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}
