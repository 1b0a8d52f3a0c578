package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gofaas/gofaas"
	"github.com/google/uuid"
)

// GetPolicy implements gofaas.FunctionStore.
func (s *FunctionStore) GetPolicy(ctx context.Context, function, qualifier string) (string, string, error) {
	r, err := s.db.reader()
	if err != nil {
		return "", "", err
	}
	var doc, rev string
	err = r.QueryRowContext(ctx, `SELECT document, revision_id FROM function_policies WHERE function_name = ? AND qualifier = ?`,
		function, qualifier).Scan(&doc, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	} else if err != nil {
		return "", "", fmt.Errorf("get policy of %s: %w", function, err)
	}
	return doc, rev, nil
}

// PutPolicy implements gofaas.FunctionStore.
func (s *FunctionStore) PutPolicy(ctx context.Context, function, qualifier, doc, revisionID string) (string, error) {
	next := uuid.NewString()
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, function); err != nil {
			return err
		}
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT revision_id FROM function_policies WHERE function_name = ? AND qualifier = ?`,
			function, qualifier).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("put policy of %s: %w", function, err)
		}
		if revisionID != "" && revisionID != cur {
			return gofaas.Errorf(gofaas.EPRECONDITION, "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		if doc == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM function_policies WHERE function_name = ? AND qualifier = ?`, function, qualifier)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO function_policies (function_name, qualifier, document, revision_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (function_name, qualifier) DO UPDATE SET document = excluded.document, revision_id = excluded.revision_id`,
				function, qualifier, doc, next)
		}
		if err != nil {
			return fmt.Errorf("put policy of %s: %w", function, err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return next, nil
}
