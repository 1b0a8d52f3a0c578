package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// ReleaseLeases makes every leased event claimable again. A single node
// calls it at start-up, when no delivery of its own is in flight.
func (q *EventQueue) ReleaseLeases(ctx context.Context) error {
	return q.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE async_events SET lease_until_ns = 0 WHERE lease_until_ns <> 0`); err != nil {
			return fmt.Errorf("release leases: %w", err)
		}
		return nil
	})
}
