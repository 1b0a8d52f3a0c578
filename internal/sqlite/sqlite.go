// Package sqlite stores gofaas state in an embedded SQLite database
// (modernc.org/sqlite, pure Go) through database/sql.
//
// # Connections
//
// A file database is opened twice: a write pool with a single connection
// whose transactions begin with BEGIN IMMEDIATE (so a transaction never has
// to upgrade a read lock and fail with SQLITE_BUSY), and a read pool whose
// connections are query-only. Both use WAL, synchronous=NORMAL, a busy
// timeout and foreign keys. An in-memory database (path "" or ":memory:")
// exists only on its connection, so it is served by one single-connection
// pool for reads and writes.
//
// # Schema
//
// Migrations are the embedded files migrations/NNNN_name.sql, applied in
// name order, each in its own transaction, and recorded in
// schema_migrations. The SQL avoids SQLite-only features (it uses ON
// CONFLICT, no AUTOINCREMENT) so the same schema ports to PostgreSQL.
// Times are stored as integer Unix nanoseconds (0 for the zero time);
// maps and lists as JSON text.
//
// # Errors
//
// Store methods return *gofaas.Error values with codes ENOTFOUND, ECONFLICT,
// EPRECONDITION and EINVALID. The store does not know the region or
// account, so its not-found messages name resources plainly ("Function not
// found: f:3"); the service layer rewrites them with full ARNs as AWS does.
// Any other error is an infrastructure error, wrapped with context.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a SQLite database holding gofaas state. Create it with NewDB, set
// fields, then call Open.
type DB struct {
	// Path is the database file; "" or ":memory:" opens a private
	// in-memory database.
	Path string
	// Now returns the current time; it stamps LastModified, Received and
	// Ingestion fields. It defaults to time.Now.
	Now func() time.Time
	// BusyTimeout is how long a connection waits for a lock held by
	// another process before failing. It defaults to 5 seconds.
	BusyTimeout time.Duration

	write *sql.DB // single connection, BEGIN IMMEDIATE
	read  *sql.DB // query-only pool; equal to write in memory
}

// NewDB returns a DB for the file at path, not yet opened.
func NewDB(path string) *DB {
	return &DB{Path: path, Now: time.Now, BusyTimeout: 5 * time.Second}
}

// InMemory reports whether the database lives in memory only.
func (db *DB) InMemory() bool {
	return db.Path == "" || db.Path == ":memory:"
}

// Open opens the database, creating the file if needed, and applies any
// pending migrations.
func (db *DB) Open() error {
	if db.Now == nil {
		db.Now = time.Now
	}
	if db.BusyTimeout <= 0 {
		db.BusyTimeout = 5 * time.Second
	}
	if db.write != nil {
		return errors.New("sqlite: database already open")
	}
	pragmas := []string{
		fmt.Sprintf("busy_timeout(%d)", db.BusyTimeout.Milliseconds()),
		"foreign_keys(1)",
	}
	if db.InMemory() {
		w, err := sql.Open("sqlite", dsn(":memory:", pragmas, "immediate"))
		if err != nil {
			return fmt.Errorf("open in-memory database: %w", err)
		}
		// The database exists only on this one connection: keep it for
		// ever, and share it between reads and writes.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		db.write, db.read = w, w
	} else {
		pragmas = append(pragmas, "journal_mode(WAL)", "synchronous(NORMAL)")
		w, err := sql.Open("sqlite", dsn(db.Path, pragmas, "immediate"))
		if err != nil {
			return fmt.Errorf("open database %s: %w", db.Path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		// Create the file and switch it to WAL before readers connect.
		if err := w.Ping(); err != nil {
			w.Close()
			return fmt.Errorf("open database %s: %w", db.Path, err)
		}
		r, err := sql.Open("sqlite", dsn(db.Path, append(pragmas, "query_only(1)"), ""))
		if err != nil {
			w.Close()
			return fmt.Errorf("open database %s for reading: %w", db.Path, err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.write, db.read = w, r
	}
	if err := db.migrate(context.Background()); err != nil {
		db.Close()
		return err
	}
	return nil
}

// Close closes the database. It is safe to call on a DB that is not open.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	db.read, db.write = nil, nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// dsn builds a modernc.org/sqlite data source name.
func dsn(path string, pragmas []string, txlock string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	if path == ":memory:" {
		return ":memory:?" + q.Encode()
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT   NOT NULL PRIMARY KEY,
		applied_ns BIGINT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// migrateFile applies one migration file unless it was applied before.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", base, err)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return fmt.Errorf("check migration %s: %w", base, err)
		} else if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("apply migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_ns) VALUES (?, ?)`, base, db.Now().UnixNano()); err != nil {
			return fmt.Errorf("record migration %s: %w", base, err)
		}
		return nil
	})
}

// tx runs fn in a write transaction, committing if fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.write == nil {
		return errors.New("sqlite: database not open")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// reader returns the pool for queries outside a write transaction.
func (db *DB) reader() (*sql.DB, error) {
	if db.read == nil {
		return nil, errors.New("sqlite: database not open")
	}
	return db.read, nil
}

// now returns the current time from db.Now.
func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now()
	}
	return db.Now()
}

// toNS converts t to Unix nanoseconds, with 0 for the zero time.
func toNS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNS converts Unix nanoseconds to a UTC time, with the zero time for 0.
func fromNS(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// limitClause returns " LIMIT n" for n > 0 and "" otherwise.
func limitClause(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}
