package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
	"github.com/google/uuid"
)

// Messages AWS uses that the store can produce without knowing the ARN.
const (
	msgRevisionMismatch = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
	msgDeleteLatest     = "$LATEST version cannot be deleted without deleting the function."
)

var _ gofaas.FunctionStore = (*FunctionStore)(nil)

// FunctionStore implements gofaas.FunctionStore on a DB.
//
// Functions are stored one row per version: "$LATEST" and published
// numbers. A per-function counter allocates version numbers, so a number
// is never reused after its version is deleted, as in AWS. Every change of
// a version or alias row gets a new random RevisionID, and the store sets
// LastModified to DB.Now on CreateFunction, UpdateFunction, PublishVersion
// and PutEventInvokeConfig, writing both back into the argument.
//
// Not-found errors carry plain messages ("Function not found: f",
// "Function not found: f:3", "Alias not found: f:live"); the service layer
// rewrites them with ARNs.
type FunctionStore struct {
	db *DB
}

// NewFunctionStore returns a FunctionStore backed by db, which must be open
// before the store is used.
func NewFunctionStore(db *DB) *FunctionStore {
	return &FunctionStore{db: db}
}

const functionColumns = `function_name, version, version_num, runtime, role, handler, description,
	timeout, memory_size, environment, architectures, ephemeral_mb, code_sha256, code_size,
	last_modified_ns, revision_id, state, update_status, config_sha`

// functionRow is a function version with the columns the domain type lacks.
type functionRow struct {
	fn        gofaas.Function
	num       int64
	configSHA string
}

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

func scanFunction(s scanner) (*functionRow, error) {
	var r functionRow
	var env, arch string
	var modified int64
	f := &r.fn
	if err := s.Scan(&f.Name, &f.Version, &r.num, &f.Runtime, &f.Role, &f.Handler, &f.Description,
		&f.Timeout, &f.MemorySize, &env, &arch, &f.EphemeralMB, &f.CodeSha256, &f.CodeSize,
		&modified, &f.RevisionID, &f.State, &f.UpdateStatus, &r.configSHA); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(env), &f.Environment); err != nil {
		return nil, fmt.Errorf("decode environment of %s:%s: %w", f.Name, f.Version, err)
	}
	if err := json.Unmarshal([]byte(arch), &f.Architectures); err != nil {
		return nil, fmt.Errorf("decode architectures of %s:%s: %w", f.Name, f.Version, err)
	}
	f.LastModified = fromNS(modified)
	return &r, nil
}

// getFunction reads one version row; it returns ENOTFOUND if it is missing.
func getFunction(ctx context.Context, q queryer, name, version string) (*functionRow, error) {
	r, err := scanFunction(q.QueryRowContext(ctx,
		`SELECT `+functionColumns+` FROM function_versions WHERE function_name = ? AND version = ?`, name, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, functionNotFound(name, version)
	} else if err != nil {
		return nil, fmt.Errorf("get function %s:%s: %w", name, version, err)
	}
	return r, nil
}

func functionNotFound(name, version string) error {
	if version == "" || version == gofaas.LatestVersion {
		return gofaas.Errorf(gofaas.ENOTFOUND, "Function not found: %s", name)
	}
	return gofaas.Errorf(gofaas.ENOTFOUND, "Function not found: %s:%s", name, version)
}

// functionExists returns ENOTFOUND unless the function exists.
func functionExists(ctx context.Context, q queryer, name string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM functions WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("check function %s: %w", name, err)
	} else if n == 0 {
		return functionNotFound(name, "")
	}
	return nil
}

// configSHA fingerprints the code and configuration that PublishVersion
// compares to decide whether anything changed since the last publish.
func configSHA(f *gofaas.Function) (string, error) {
	b, err := json.Marshal(struct {
		Runtime, Role, Handler, Description string
		Timeout, MemorySize, EphemeralMB    int
		Environment                         map[string]string
		Architectures                       []string
		CodeSha256                          string
		CodeSize                            int64
	}{f.Runtime, f.Role, f.Handler, f.Description, f.Timeout, f.MemorySize, f.EphemeralMB,
		f.Environment, f.Architectures, f.CodeSha256, f.CodeSize})
	if err != nil {
		return "", fmt.Errorf("fingerprint configuration: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// insertFunction writes a version row.
func insertFunction(ctx context.Context, tx *sql.Tx, f *gofaas.Function, num int64, sha string) error {
	env, err := json.Marshal(f.Environment)
	if err != nil {
		return fmt.Errorf("encode environment: %w", err)
	}
	arch, err := json.Marshal(f.Architectures)
	if err != nil {
		return fmt.Errorf("encode architectures: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO function_versions (`+functionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (function_name, version) DO UPDATE SET
			runtime = excluded.runtime, role = excluded.role, handler = excluded.handler,
			description = excluded.description, timeout = excluded.timeout,
			memory_size = excluded.memory_size, environment = excluded.environment,
			architectures = excluded.architectures, ephemeral_mb = excluded.ephemeral_mb,
			code_sha256 = excluded.code_sha256, code_size = excluded.code_size,
			last_modified_ns = excluded.last_modified_ns, revision_id = excluded.revision_id,
			state = excluded.state, update_status = excluded.update_status,
			config_sha = excluded.config_sha`,
		f.Name, f.Version, num, f.Runtime, f.Role, f.Handler, f.Description,
		f.Timeout, f.MemorySize, string(env), string(arch), f.EphemeralMB, f.CodeSha256, f.CodeSize,
		toNS(f.LastModified), f.RevisionID, f.State, f.UpdateStatus, sha)
	if err != nil {
		return fmt.Errorf("write function %s:%s: %w", f.Name, f.Version, err)
	}
	return nil
}

// CreateFunction stores the $LATEST version of a new function. It sets
// fn.Version to "$LATEST", fn.LastModified to now and fn.RevisionID to a new
// id. It returns ECONFLICT if the function exists.
func (s *FunctionStore) CreateFunction(ctx context.Context, fn *gofaas.Function) error {
	if fn.Name == "" {
		return gofaas.Errorf(gofaas.EINVALID, "function name must not be empty")
	}
	sha, err := configSHA(fn)
	if err != nil {
		return err
	}
	now := s.db.now()
	f := *fn
	f.Version = gofaas.LatestVersion
	f.LastModified = now
	f.RevisionID = uuid.NewString()
	err = s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO functions (name, last_version, created_ns) VALUES (?, 0, ?)
			ON CONFLICT (name) DO NOTHING`, f.Name, toNS(now))
		if err != nil {
			return fmt.Errorf("create function %s: %w", f.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("create function %s: %w", f.Name, err)
		} else if n == 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "Function already exist: %s", f.Name)
		}
		return insertFunction(ctx, tx, &f, 0, sha)
	})
	if err != nil {
		return err
	}
	*fn = f
	return nil
}

// GetFunction returns one version ("$LATEST" or a number) of a function,
// or ENOTFOUND.
func (s *FunctionStore) GetFunction(ctx context.Context, name, version string) (*gofaas.Function, error) {
	if version == "" {
		version = gofaas.LatestVersion
	}
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	r, err := getFunction(ctx, rd, name, version)
	if err != nil {
		return nil, err
	}
	return &r.fn, nil
}

// UpdateFunction replaces the $LATEST version of fn.Name with fn, setting
// fn.Version, fn.LastModified and a new fn.RevisionID. It returns
// ENOTFOUND if the function does not exist and EPRECONDITION if revisionID
// is not empty and differs from the stored one.
func (s *FunctionStore) UpdateFunction(ctx context.Context, fn *gofaas.Function, revisionID string) error {
	sha, err := configSHA(fn)
	if err != nil {
		return err
	}
	f := *fn
	f.Version = gofaas.LatestVersion
	f.LastModified = s.db.now()
	f.RevisionID = uuid.NewString()
	err = s.db.tx(ctx, func(tx *sql.Tx) error {
		old, err := getFunction(ctx, tx, f.Name, gofaas.LatestVersion)
		if err != nil {
			return err
		}
		if revisionID != "" && revisionID != old.fn.RevisionID {
			return gofaas.Errorf(gofaas.EPRECONDITION, msgRevisionMismatch)
		}
		return insertFunction(ctx, tx, &f, 0, sha)
	})
	if err != nil {
		return err
	}
	*fn = f
	return nil
}

// DeleteFunction removes a function with all its versions, aliases,
// concurrency and event invoke configurations when version is empty, or
// one published version (and its event invoke configuration) otherwise.
// It returns ENOTFOUND for a missing function or version, EINVALID for
// version "$LATEST", and ECONFLICT when an alias points to the version.
func (s *FunctionStore) DeleteFunction(ctx context.Context, name, version string) error {
	if version == gofaas.LatestVersion {
		return gofaas.Errorf(gofaas.EINVALID, msgDeleteLatest)
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if version == "" {
			if err := functionExists(ctx, tx, name); err != nil {
				return err
			}
			// Foreign keys cascade too; deleting explicitly keeps the
			// store correct on a connection without them.
			for _, q := range []string{
				`DELETE FROM event_invoke_configs WHERE function_name = ?`,
				`DELETE FROM function_policies WHERE function_name = ?`,
				`DELETE FROM function_concurrency WHERE function_name = ?`,
				`DELETE FROM aliases WHERE function_name = ?`,
				`DELETE FROM function_versions WHERE function_name = ?`,
				`DELETE FROM functions WHERE name = ?`,
			} {
				if _, err := tx.ExecContext(ctx, q, name); err != nil {
					return fmt.Errorf("delete function %s: %w", name, err)
				}
			}
			return nil
		}
		if _, err := getFunction(ctx, tx, name, version); err != nil {
			return err
		}
		aliases, err := listAliases(ctx, tx, name, "", "", 0)
		if err != nil {
			return err
		}
		var refs []string
		for _, a := range aliases {
			if _, weighted := a.AdditionalVersionWeights[version]; a.FunctionVersion == version || weighted {
				refs = append(refs, a.Name)
			}
		}
		if len(refs) > 0 {
			return gofaas.Errorf(gofaas.ECONFLICT, "Unable to delete version because the following aliases reference it: [%s]", strings.Join(refs, ", "))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?`, name, version); err != nil {
			return fmt.Errorf("delete function %s:%s: %w", name, version, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM function_policies WHERE function_name = ? AND qualifier = ?`, name, version); err != nil {
			return fmt.Errorf("delete function %s:%s: %w", name, version, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM function_versions WHERE function_name = ? AND version = ?`, name, version); err != nil {
			return fmt.Errorf("delete function %s:%s: %w", name, version, err)
		}
		return nil
	})
}

// ListFunctions returns the $LATEST versions ordered by name, after marker
// (a name; empty for the start), at most max (no limit if max <= 0).
func (s *FunctionStore) ListFunctions(ctx context.Context, marker string, max int) ([]*gofaas.Function, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return queryFunctions(ctx, rd, `SELECT `+functionColumns+` FROM function_versions
		WHERE version_num = 0 AND function_name > ? ORDER BY function_name`+limitClause(max), marker)
}

func queryFunctions(ctx context.Context, q queryer, query string, args ...any) ([]*gofaas.Function, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	defer rows.Close()
	var fns []*gofaas.Function
	for rows.Next() {
		r, err := scanFunction(rows)
		if err != nil {
			return nil, fmt.Errorf("list functions: %w", err)
		}
		fns = append(fns, &r.fn)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	return fns, nil
}

// PublishVersion copies $LATEST into the next version number and returns
// it. description, when not empty, replaces the version's description. If
// the newest published version has the same code and configuration as
// $LATEST, nothing is published and that version is returned. It returns
// ENOTFOUND for a missing function and EPRECONDITION if revisionID is not
// empty and differs from $LATEST's.
func (s *FunctionStore) PublishVersion(ctx context.Context, name, description, revisionID string) (*gofaas.Function, error) {
	var out *gofaas.Function
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		latest, err := getFunction(ctx, tx, name, gofaas.LatestVersion)
		if err != nil {
			return err
		}
		if revisionID != "" && revisionID != latest.fn.RevisionID {
			return gofaas.Errorf(gofaas.EPRECONDITION, msgRevisionMismatch)
		}
		newest, err := scanFunction(tx.QueryRowContext(ctx, `SELECT `+functionColumns+` FROM function_versions
			WHERE function_name = ? AND version_num > 0 ORDER BY version_num DESC LIMIT 1`, name))
		switch {
		case err == nil && newest.configSHA == latest.configSHA:
			out = &newest.fn
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("publish %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE functions SET last_version = last_version + 1 WHERE name = ?`, name); err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
		var num int64
		if err := tx.QueryRowContext(ctx, `SELECT last_version FROM functions WHERE name = ?`, name).Scan(&num); err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
		v := latest.fn
		v.Version = strconv.FormatInt(num, 10)
		if description != "" {
			v.Description = description
		}
		v.LastModified = s.db.now()
		v.RevisionID = uuid.NewString()
		if err := insertFunction(ctx, tx, &v, num, latest.configSHA); err != nil {
			return err
		}
		out = &v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListVersions returns $LATEST then the published versions in order, after
// marker (a version; empty for the start), at most max (no limit if
// max <= 0). It returns ENOTFOUND for a missing function and EINVALID for
// a marker that is not a version.
func (s *FunctionStore) ListVersions(ctx context.Context, name, marker string, max int) ([]*gofaas.Function, error) {
	after := int64(-1)
	switch marker {
	case "":
	case gofaas.LatestVersion:
		after = 0
	default:
		n, err := strconv.ParseInt(marker, 10, 64)
		if err != nil || n < 1 {
			return nil, gofaas.Errorf(gofaas.EINVALID, "Invalid marker: %s", marker)
		}
		after = n
	}
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	fns, err := queryFunctions(ctx, rd, `SELECT `+functionColumns+` FROM function_versions
		WHERE function_name = ? AND version_num > ? ORDER BY version_num`+limitClause(max), name, after)
	if err != nil {
		return nil, err
	}
	if len(fns) == 0 {
		// An empty page is fine for an existing function.
		if err := functionExists(ctx, rd, name); err != nil {
			return nil, err
		}
	}
	return fns, nil
}

const aliasColumns = `function_name, name, function_version, description, weights, revision_id`

func scanAlias(s scanner) (*gofaas.Alias, error) {
	var a gofaas.Alias
	var weights string
	if err := s.Scan(&a.FunctionName, &a.Name, &a.FunctionVersion, &a.Description, &weights, &a.RevisionID); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(weights), &a.AdditionalVersionWeights); err != nil {
		return nil, fmt.Errorf("decode weights of alias %s:%s: %w", a.FunctionName, a.Name, err)
	}
	return &a, nil
}

func getAlias(ctx context.Context, q queryer, function, name string) (*gofaas.Alias, error) {
	a, err := scanAlias(q.QueryRowContext(ctx,
		`SELECT `+aliasColumns+` FROM aliases WHERE function_name = ? AND name = ?`, function, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "Alias not found: %s:%s", function, name)
	} else if err != nil {
		return nil, fmt.Errorf("get alias %s:%s: %w", function, name, err)
	}
	return a, nil
}

// checkAliasTargets returns ENOTFOUND unless the function and every
// version a points to exist.
func checkAliasTargets(ctx context.Context, q queryer, a *gofaas.Alias) error {
	if err := functionExists(ctx, q, a.FunctionName); err != nil {
		return err
	}
	versions := []string{a.FunctionVersion}
	for v := range a.AdditionalVersionWeights {
		versions = append(versions, v)
	}
	slices.Sort(versions)
	for _, v := range versions {
		if _, err := getFunction(ctx, q, a.FunctionName, v); err != nil {
			return err
		}
	}
	return nil
}

func writeAlias(ctx context.Context, tx *sql.Tx, a *gofaas.Alias) error {
	weights, err := json.Marshal(a.AdditionalVersionWeights)
	if err != nil {
		return fmt.Errorf("encode weights: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO aliases (`+aliasColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (function_name, name) DO UPDATE SET
			function_version = excluded.function_version, description = excluded.description,
			weights = excluded.weights, revision_id = excluded.revision_id`,
		a.FunctionName, a.Name, a.FunctionVersion, a.Description, string(weights), a.RevisionID)
	if err != nil {
		return fmt.Errorf("write alias %s:%s: %w", a.FunctionName, a.Name, err)
	}
	return nil
}

// CreateAlias stores a new alias and sets a.RevisionID. It returns
// ENOTFOUND if the function or a version it points to does not exist, and
// ECONFLICT if the alias exists.
func (s *FunctionStore) CreateAlias(ctx context.Context, a *gofaas.Alias) error {
	al := *a
	al.RevisionID = uuid.NewString()
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkAliasTargets(ctx, tx, &al); err != nil {
			return err
		}
		if _, err := getAlias(ctx, tx, al.FunctionName, al.Name); err == nil {
			return gofaas.Errorf(gofaas.ECONFLICT, "Alias already exists: %s:%s", al.FunctionName, al.Name)
		} else if gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
			return err
		}
		return writeAlias(ctx, tx, &al)
	})
	if err != nil {
		return err
	}
	*a = al
	return nil
}

// GetAlias returns an alias, or ENOTFOUND.
func (s *FunctionStore) GetAlias(ctx context.Context, function, name string) (*gofaas.Alias, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return getAlias(ctx, rd, function, name)
}

// UpdateAlias replaces an alias with a and sets a new a.RevisionID. It
// returns ENOTFOUND if the alias or a version it points to does not exist,
// and EPRECONDITION if revisionID is not empty and differs from the stored
// one.
func (s *FunctionStore) UpdateAlias(ctx context.Context, a *gofaas.Alias, revisionID string) error {
	al := *a
	al.RevisionID = uuid.NewString()
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, al.FunctionName); err != nil {
			return err
		}
		old, err := getAlias(ctx, tx, al.FunctionName, al.Name)
		if err != nil {
			return err
		}
		if revisionID != "" && revisionID != old.RevisionID {
			return gofaas.Errorf(gofaas.EPRECONDITION, msgRevisionMismatch)
		}
		if err := checkAliasTargets(ctx, tx, &al); err != nil {
			return err
		}
		return writeAlias(ctx, tx, &al)
	})
	if err != nil {
		return err
	}
	*a = al
	return nil
}

// DeleteAlias removes an alias and its event invoke configuration, or
// returns ENOTFOUND.
func (s *FunctionStore) DeleteAlias(ctx context.Context, function, name string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, function); err != nil {
			return err
		}
		if _, err := getAlias(ctx, tx, function, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?`, function, name); err != nil {
			return fmt.Errorf("delete alias %s:%s: %w", function, name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM aliases WHERE function_name = ? AND name = ?`, function, name); err != nil {
			return fmt.Errorf("delete alias %s:%s: %w", function, name, err)
		}
		return nil
	})
}

// ListAliases returns a function's aliases ordered by name after marker,
// at most max (no limit if max <= 0); version, when not empty, keeps only
// aliases whose FunctionVersion it is. It returns ENOTFOUND for a missing
// function.
func (s *FunctionStore) ListAliases(ctx context.Context, function, version, marker string, max int) ([]*gofaas.Alias, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	if err := functionExists(ctx, rd, function); err != nil {
		return nil, err
	}
	return listAliases(ctx, rd, function, version, marker, max)
}

func listAliases(ctx context.Context, q queryer, function, version, marker string, max int) ([]*gofaas.Alias, error) {
	query := `SELECT ` + aliasColumns + ` FROM aliases WHERE function_name = ? AND name > ?`
	args := []any{function, marker}
	if version != "" {
		query += ` AND function_version = ?`
		args = append(args, version)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY name`+limitClause(max), args...)
	if err != nil {
		return nil, fmt.Errorf("list aliases of %s: %w", function, err)
	}
	defer rows.Close()
	var out []*gofaas.Alias
	for rows.Next() {
		a, err := scanAlias(rows)
		if err != nil {
			return nil, fmt.Errorf("list aliases of %s: %w", function, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list aliases of %s: %w", function, err)
	}
	return out, nil
}

// PutConcurrency sets (n >= 0) or, with n < 0, removes a function's
// reserved concurrency. It returns ENOTFOUND for a missing function.
func (s *FunctionStore) PutConcurrency(ctx context.Context, function string, n int) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, function); err != nil {
			return err
		}
		var err error
		if n < 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM function_concurrency WHERE function_name = ?`, function)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO function_concurrency (function_name, reserved) VALUES (?, ?)
				ON CONFLICT (function_name) DO UPDATE SET reserved = excluded.reserved`, function, n)
		}
		if err != nil {
			return fmt.Errorf("put concurrency of %s: %w", function, err)
		}
		return nil
	})
}

// GetConcurrency returns a function's reserved concurrency, or -1 if none
// is set. It returns ENOTFOUND for a missing function.
func (s *FunctionStore) GetConcurrency(ctx context.Context, function string) (int, error) {
	rd, err := s.db.reader()
	if err != nil {
		return 0, err
	}
	var n sql.NullInt64
	err = rd.QueryRowContext(ctx, `SELECT c.reserved FROM functions f
		LEFT JOIN function_concurrency c ON c.function_name = f.name WHERE f.name = ?`, function).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, functionNotFound(function, "")
	} else if err != nil {
		return 0, fmt.Errorf("get concurrency of %s: %w", function, err)
	}
	if !n.Valid {
		return -1, nil
	}
	return int(n.Int64), nil
}

// ReservedConcurrency returns the reserved concurrency of every function
// that has one.
func (s *FunctionStore) ReservedConcurrency(ctx context.Context) (map[string]int, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT function_name, reserved FROM function_concurrency`)
	if err != nil {
		return nil, fmt.Errorf("list reserved concurrency: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, fmt.Errorf("list reserved concurrency: %w", err)
		}
		out[name] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list reserved concurrency: %w", err)
	}
	return out, nil
}

// qualifierExists returns ENOTFOUND unless qualifier names a version or an
// alias of function.
func qualifierExists(ctx context.Context, q queryer, function, qualifier string) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM function_versions WHERE function_name = ? AND version = ?) +
		(SELECT COUNT(*) FROM aliases WHERE function_name = ? AND name = ?)`,
		function, qualifier, function, qualifier).Scan(&n)
	if err != nil {
		return fmt.Errorf("check qualifier %s:%s: %w", function, qualifier, err)
	} else if n == 0 {
		return functionNotFound(function, qualifier)
	}
	return nil
}

// PutEventInvokeConfig creates or replaces the event invoke configuration
// of c.FunctionName and c.Qualifier ("" means "$LATEST"), setting
// c.Qualifier and c.LastModified. It returns ENOTFOUND if the function or
// qualifier does not exist.
func (s *FunctionStore) PutEventInvokeConfig(ctx context.Context, c *gofaas.EventInvokeConfig) error {
	cfg := *c
	if cfg.Qualifier == "" {
		cfg.Qualifier = gofaas.LatestVersion
	}
	cfg.LastModified = s.db.now()
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, cfg.FunctionName); err != nil {
			return err
		}
		if err := qualifierExists(ctx, tx, cfg.FunctionName, cfg.Qualifier); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO event_invoke_configs
			(function_name, qualifier, max_retry_attempts, max_event_age, on_success, on_failure, last_modified_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (function_name, qualifier) DO UPDATE SET
				max_retry_attempts = excluded.max_retry_attempts, max_event_age = excluded.max_event_age,
				on_success = excluded.on_success, on_failure = excluded.on_failure,
				last_modified_ns = excluded.last_modified_ns`,
			cfg.FunctionName, cfg.Qualifier, nullInt(cfg.MaximumRetryAttempts), nullInt(cfg.MaximumEventAgeInSeconds),
			cfg.OnSuccess, cfg.OnFailure, toNS(cfg.LastModified))
		if err != nil {
			return fmt.Errorf("put event invoke config %s:%s: %w", cfg.FunctionName, cfg.Qualifier, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = cfg
	return nil
}

// GetEventInvokeConfig returns the event invoke configuration of function
// and qualifier ("" means "$LATEST"). It returns ENOTFOUND if the function
// or the configuration does not exist.
func (s *FunctionStore) GetEventInvokeConfig(ctx context.Context, function, qualifier string) (*gofaas.EventInvokeConfig, error) {
	if qualifier == "" {
		qualifier = gofaas.LatestVersion
	}
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	c := gofaas.EventInvokeConfig{FunctionName: function, Qualifier: qualifier}
	var retry, age sql.NullInt64
	var modified int64
	err = rd.QueryRowContext(ctx, `SELECT max_retry_attempts, max_event_age, on_success, on_failure, last_modified_ns
		FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?`, function, qualifier).
		Scan(&retry, &age, &c.OnSuccess, &c.OnFailure, &modified)
	if errors.Is(err, sql.ErrNoRows) {
		if err := functionExists(ctx, rd, function); err != nil {
			return nil, err
		}
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "The function %s:%s doesn't have an EventInvokeConfig", function, qualifier)
	} else if err != nil {
		return nil, fmt.Errorf("get event invoke config %s:%s: %w", function, qualifier, err)
	}
	c.MaximumRetryAttempts = intPtr(retry)
	c.MaximumEventAgeInSeconds = intPtr(age)
	c.LastModified = fromNS(modified)
	return &c, nil
}

// DeleteEventInvokeConfig removes the event invoke configuration of
// function and qualifier ("" means "$LATEST"), or returns ENOTFOUND.
func (s *FunctionStore) DeleteEventInvokeConfig(ctx context.Context, function, qualifier string) error {
	if qualifier == "" {
		qualifier = gofaas.LatestVersion
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := functionExists(ctx, tx, function); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?`, function, qualifier)
		if err != nil {
			return fmt.Errorf("delete event invoke config %s:%s: %w", function, qualifier, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete event invoke config %s:%s: %w", function, qualifier, err)
		} else if n == 0 {
			return gofaas.Errorf(gofaas.ENOTFOUND, "The function %s:%s doesn't have an EventInvokeConfig", function, qualifier)
		}
		return nil
	})
}

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}
