package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

var (
	_ gofaas.IdentityStore   = (*IdentityStore)(nil)
	_ gofaas.CredentialStore = (*IdentityStore)(nil)
)

// IdentityStore implements gofaas.IdentityStore and gofaas.CredentialStore
// on a DB, for one account.
//
// Names are keyed by their lower-cased form, so "Bob" and "bob" are the
// same user, as in IAM. Listings are ordered by that key and paged with
// the key of the last item returned as the Marker.
type IdentityStore struct {
	// AccountID is the 12-digit account the identities belong to; it goes
	// into every ARN the store makes.
	AccountID string
	// AWSManaged maps the ARNs of the AWS managed policies
	// (arn:aws:iam::aws:policy/...) to their documents. Those policies are
	// not stored: GetPolicy, GetPolicyVersion, ListPolicies, AttachPolicy
	// and PoliciesFor serve them from this map.
	AWSManaged map[string]string

	db *DB
}

// NewIdentityStore returns an IdentityStore of the account accountID backed
// by db, which must be open before the store is used.
func NewIdentityStore(db *DB, accountID string) *IdentityStore {
	return &IdentityStore{db: db, AccountID: accountID}
}

// awsManagedCreated is the creation date reported for AWS managed policies.
var awsManagedCreated = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

// Messages of IAM's errors.
const (
	msgAccessKeyQuota     = "Cannot exceed quota for AccessKeysPerUser: 2"
	msgVersionQuota       = "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
	msgDeleteKeysFirst    = "Cannot delete entity, must delete access keys first."
	msgDeletePolicies     = "Cannot delete entity, must delete policies first."
	msgDetachPolicies     = "Cannot delete entity, must detach all policies first."
	msgRemoveFromGroups   = "Cannot delete entity, must remove user from all groups first."
	msgRemoveUsers        = "Cannot delete entity, must remove users from group first."
	msgPolicyAttached     = "Cannot delete a policy attached to entities."
	msgPolicyHasVersions  = "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
	msgDeleteDefault      = "Cannot delete the default version of a policy."
	typeDeleteConflict    = "DeleteConflict"
	typeLimitExceeded     = "LimitExceeded"
	typeAlreadyExists     = "EntityAlreadyExists"
	maxAttachedPolicies   = 10
	defaultListMaxItems   = 100
	idRandomChars         = 17 // AIDA + 17 = 21 characters, as IAM's ids
	accessKeyRandomChars  = 16 // AKIA + 16 = 20 characters
	sessionTokenRandBytes = 264
)

// ---- ids and secrets

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns prefix followed by n random characters of A-Z2-7.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + idEncoding.EncodeToString(b)[:n]
}

// newSecret returns a 40-character secret access key.
func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// newSessionToken returns a long random session token.
func newSessionToken() string {
	b := make([]byte, sessionTokenRandBytes)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// awsPolicyID derives a stable ANPA... id for an AWS managed policy.
func awsPolicyID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "ANPA" + idEncoding.EncodeToString(sum[:])[:idRandomChars]
}

// ---- names, ARNs, errors

func nameKey(name string) string { return strings.ToLower(name) }

func (s *IdentityStore) arn(kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + s.AccountID + ":" + kind + path + name
}

// PolicyARN returns the ARN of the customer managed policy name at path.
func (s *IdentityStore) PolicyARN(path, name string) string { return s.arn("policy", path, name) }

func isAWSManagedARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/")
}

// splitPolicyARN returns the path and name of a policy ARN.
func splitPolicyARN(arn string) (path, name string) {
	_, rest, ok := strings.Cut(arn, ":policy/")
	if !ok {
		return "/", arn
	}
	i := strings.LastIndex(rest, "/")
	return "/" + rest[:i+1], rest[i+1:]
}

func entityNotFound(kind, name string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The %s with name %s cannot be found.", kind, name)
}

func entityExists(kind, name string) error {
	return gofaas.TypedErrorf(gofaas.ECONFLICT, typeAlreadyExists, "%s with name %s already exists.", kind, name)
}

func policyNotFound(arn string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "Policy %s was not found.", arn)
}

func policyNotAttachable(arn string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "Policy %s does not exist or is not attachable.", arn)
}

func versionNotFound(arn, v string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "Policy %s version %s does not exist or is not attachable.", arn, v)
}

func accessKeyNotFound(id string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The Access Key with id %s cannot be found.", id)
}

func deleteConflict(msg string) error {
	return gofaas.TypedErrorf(gofaas.ECONFLICT, typeDeleteConflict, "%s", msg)
}

func limitExceeded(format string, args ...any) error {
	return gofaas.TypedErrorf(gofaas.ECONFLICT, typeLimitExceeded, format, args...)
}

// entityTable returns the table of a kind of entity.
func entityTable(kind string) (string, error) {
	switch kind {
	case gofaas.KindUser:
		return "iam_users", nil
	case gofaas.KindGroup:
		return "iam_groups", nil
	case gofaas.KindRole:
		return "iam_roles", nil
	}
	return "", gofaas.Errorf(gofaas.EINVALID, "unknown entity kind %q", kind)
}

// entityExists returns NoSuchEntity unless the user, group or role exists.
func entityExistsIn(ctx context.Context, q queryer, kind, name string) error {
	table, err := entityTable(kind)
	if err != nil {
		return err
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE name_key = ?`, nameKey(name)).Scan(&n); err != nil {
		return fmt.Errorf("check %s %s: %w", kind, name, err)
	} else if n == 0 {
		return entityNotFound(kind, name)
	}
	return nil
}

func count(ctx context.Context, q queryer, query string, args ...any) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// ---- paging

// pageOf returns the page of items (sorted by key) that opts selects.
func pageOf[T any](items []T, key func(T) string, opts gofaas.ListOptions) ([]T, gofaas.Page) {
	if opts.Marker != "" {
		i, _ := slices.BinarySearchFunc(items, opts.Marker, func(t T, m string) int { return strings.Compare(key(t), m) })
		for i < len(items) && key(items[i]) <= opts.Marker {
			i++
		}
		items = items[i:]
	}
	max := opts.MaxItems
	if max <= 0 {
		max = defaultListMaxItems
	}
	if len(items) > max {
		return items[:max], gofaas.Page{Marker: key(items[max-1])}
	}
	return items, gofaas.Page{}
}

// ---- tags

func encodeTags(tags map[string]string) (string, error) {
	if tags == nil {
		tags = map[string]string{}
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return "", fmt.Errorf("encode tags: %w", err)
	}
	return string(b), nil
}

func decodeTags(s string) (map[string]string, error) {
	var tags map[string]string
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, fmt.Errorf("decode tags: %w", err)
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

// changeTags applies fn to the tags of one row of table.
func (s *IdentityStore) changeTags(ctx context.Context, kind, name string, fn func(map[string]string)) error {
	table, err := entityTable(kind)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT tags FROM `+table+` WHERE name_key = ?`, nameKey(name)).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return entityNotFound(kind, name)
		} else if err != nil {
			return fmt.Errorf("get tags of %s %s: %w", kind, name, err)
		}
		tags, err := decodeTags(raw)
		if err != nil {
			return err
		}
		if tags == nil {
			tags = map[string]string{}
		}
		fn(tags)
		if len(tags) > 50 {
			return limitExceeded("The number of tags has reached the maximum limit.")
		}
		enc, err := encodeTags(tags)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET tags = ? WHERE name_key = ?`, enc, nameKey(name)); err != nil {
			return fmt.Errorf("set tags of %s %s: %w", kind, name, err)
		}
		return nil
	})
}

// ---- users

const userColumns = `name, path, user_id, boundary, tags, created_ns`

func scanUser(sc scanner) (*gofaas.User, error) {
	var u gofaas.User
	var tags string
	var created int64
	if err := sc.Scan(&u.Name, &u.Path, &u.UserID, &u.PermissionsBoundary, &tags, &created); err != nil {
		return nil, err
	}
	var err error
	if u.Tags, err = decodeTags(tags); err != nil {
		return nil, err
	}
	u.Created = fromNS(created)
	return &u, nil
}

func getUser(ctx context.Context, q queryer, name string) (*gofaas.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM iam_users WHERE name_key = ?`, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, entityNotFound("user", name)
	} else if err != nil {
		return nil, fmt.Errorf("get user %s: %w", name, err)
	}
	return u, nil
}

// CreateUser implements gofaas.IdentityStore.
func (s *IdentityStore) CreateUser(ctx context.Context, u *gofaas.User) error {
	if u.Path == "" {
		u.Path = "/"
	}
	tags, err := encodeTags(u.Tags)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_users WHERE name_key = ?`, nameKey(u.Name)); err != nil {
			return err
		} else if n > 0 {
			return entityExists("User", u.Name)
		}
		u.UserID = newID("AIDA", idRandomChars)
		u.Created = s.db.now().UTC().Truncate(time.Second)
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_users (name_key, `+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			nameKey(u.Name), u.Name, u.Path, u.UserID, u.PermissionsBoundary, tags, toNS(u.Created))
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Name, err)
		}
		return nil
	})
}

// GetUser implements gofaas.IdentityStore.
func (s *IdentityStore) GetUser(ctx context.Context, name string) (*gofaas.User, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return getUser(ctx, q, name)
}

// ListUsers implements gofaas.IdentityStore.
func (s *IdentityStore) ListUsers(ctx context.Context, opts gofaas.ListOptions) ([]*gofaas.User, gofaas.Page, error) {
	return s.listUsers(ctx, `SELECT `+userColumns+` FROM iam_users ORDER BY name_key`, opts)
}

func (s *IdentityStore) listUsers(ctx context.Context, query string, opts gofaas.ListOptions, args ...any) ([]*gofaas.User, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []*gofaas.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list users: %w", err)
		}
		if strings.HasPrefix(u.Path, opts.PathPrefix) {
			users = append(users, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list users: %w", err)
	}
	items, page := pageOf(users, func(u *gofaas.User) string { return nameKey(u.Name) }, opts)
	return items, page, nil
}

// DeleteUser implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteUser(ctx context.Context, name string) error {
	key := nameKey(name)
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, gofaas.KindUser, name); err != nil {
			return err
		}
		checks := []struct{ query, msg string }{
			{`SELECT COUNT(*) FROM iam_access_keys WHERE user_key = ?`, msgDeleteKeysFirst},
			{`SELECT COUNT(*) FROM iam_inline_policies WHERE kind = 'user' AND entity_key = ?`, msgDeletePolicies},
			{`SELECT COUNT(*) FROM iam_attachments WHERE kind = 'user' AND entity_key = ?`, msgDetachPolicies},
			{`SELECT COUNT(*) FROM iam_group_members WHERE user_key = ?`, msgRemoveFromGroups},
		}
		for _, c := range checks {
			if n, err := count(ctx, tx, c.query, key); err != nil {
				return err
			} else if n > 0 {
				return deleteConflict(c.msg)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM iam_users WHERE name_key = ?`, key); err != nil {
			return fmt.Errorf("delete user %s: %w", name, err)
		}
		return nil
	})
}

// TagUser implements gofaas.IdentityStore.
func (s *IdentityStore) TagUser(ctx context.Context, name string, tags map[string]string) error {
	return s.changeTags(ctx, gofaas.KindUser, name, func(m map[string]string) {
		for k, v := range tags {
			m[k] = v
		}
	})
}

// UntagUser implements gofaas.IdentityStore.
func (s *IdentityStore) UntagUser(ctx context.Context, name string, keys []string) error {
	return s.changeTags(ctx, gofaas.KindUser, name, func(m map[string]string) {
		for _, k := range keys {
			delete(m, k)
		}
	})
}

// ---- groups

const groupColumns = `name, path, group_id, created_ns`

func scanGroup(sc scanner) (*gofaas.Group, error) {
	var g gofaas.Group
	var created int64
	if err := sc.Scan(&g.Name, &g.Path, &g.GroupID, &created); err != nil {
		return nil, err
	}
	g.Created = fromNS(created)
	return &g, nil
}

// CreateGroup implements gofaas.IdentityStore.
func (s *IdentityStore) CreateGroup(ctx context.Context, g *gofaas.Group) error {
	if g.Path == "" {
		g.Path = "/"
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_groups WHERE name_key = ?`, nameKey(g.Name)); err != nil {
			return err
		} else if n > 0 {
			return entityExists("Group", g.Name)
		}
		g.GroupID = newID("AGPA", idRandomChars)
		g.Created = s.db.now().UTC().Truncate(time.Second)
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_groups (name_key, `+groupColumns+`) VALUES (?, ?, ?, ?, ?)`,
			nameKey(g.Name), g.Name, g.Path, g.GroupID, toNS(g.Created))
		if err != nil {
			return fmt.Errorf("create group %s: %w", g.Name, err)
		}
		return nil
	})
}

// GetGroup implements gofaas.IdentityStore.
func (s *IdentityStore) GetGroup(ctx context.Context, name string) (*gofaas.Group, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	g, err := scanGroup(q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM iam_groups WHERE name_key = ?`, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, entityNotFound("group", name)
	} else if err != nil {
		return nil, fmt.Errorf("get group %s: %w", name, err)
	}
	return g, nil
}

// ListGroups implements gofaas.IdentityStore.
func (s *IdentityStore) ListGroups(ctx context.Context, opts gofaas.ListOptions) ([]*gofaas.Group, gofaas.Page, error) {
	return s.listGroups(ctx, `SELECT `+groupColumns+` FROM iam_groups ORDER BY name_key`, opts)
}

func (s *IdentityStore) listGroups(ctx context.Context, query string, opts gofaas.ListOptions, args ...any) ([]*gofaas.Group, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list groups: %w", err)
	}
	defer rows.Close()
	var groups []*gofaas.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list groups: %w", err)
		}
		if strings.HasPrefix(g.Path, opts.PathPrefix) {
			groups = append(groups, g)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list groups: %w", err)
	}
	items, page := pageOf(groups, func(g *gofaas.Group) string { return nameKey(g.Name) }, opts)
	return items, page, nil
}

// DeleteGroup implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteGroup(ctx context.Context, name string) error {
	key := nameKey(name)
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, gofaas.KindGroup, name); err != nil {
			return err
		}
		checks := []struct{ query, msg string }{
			{`SELECT COUNT(*) FROM iam_group_members WHERE group_key = ?`, msgRemoveUsers},
			{`SELECT COUNT(*) FROM iam_inline_policies WHERE kind = 'group' AND entity_key = ?`, msgDeletePolicies},
			{`SELECT COUNT(*) FROM iam_attachments WHERE kind = 'group' AND entity_key = ?`, msgDetachPolicies},
		}
		for _, c := range checks {
			if n, err := count(ctx, tx, c.query, key); err != nil {
				return err
			} else if n > 0 {
				return deleteConflict(c.msg)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM iam_groups WHERE name_key = ?`, key); err != nil {
			return fmt.Errorf("delete group %s: %w", name, err)
		}
		return nil
	})
}

// AddUserToGroup implements gofaas.IdentityStore.
func (s *IdentityStore) AddUserToGroup(ctx context.Context, group, user string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, gofaas.KindGroup, group); err != nil {
			return err
		}
		if err := entityExistsIn(ctx, tx, gofaas.KindUser, user); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_group_members (group_key, user_key) VALUES (?, ?)
			ON CONFLICT (group_key, user_key) DO NOTHING`, nameKey(group), nameKey(user))
		if err != nil {
			return fmt.Errorf("add user %s to group %s: %w", user, group, err)
		}
		return nil
	})
}

// RemoveUserFromGroup implements gofaas.IdentityStore.
func (s *IdentityStore) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, gofaas.KindGroup, group); err != nil {
			return err
		}
		if err := entityExistsIn(ctx, tx, gofaas.KindUser, user); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_group_members WHERE group_key = ? AND user_key = ?`, nameKey(group), nameKey(user))
		if err != nil {
			return fmt.Errorf("remove user %s from group %s: %w", user, group, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gofaas.Errorf(gofaas.ENOTFOUND, "User %s is not in group %s.", user, group)
		}
		return nil
	})
}

// ListGroupUsers implements gofaas.IdentityStore.
func (s *IdentityStore) ListGroupUsers(ctx context.Context, group string, opts gofaas.ListOptions) ([]*gofaas.User, gofaas.Page, error) {
	if _, err := s.GetGroup(ctx, group); err != nil {
		return nil, gofaas.Page{}, err
	}
	return s.listUsers(ctx, `SELECT `+userColumns+` FROM iam_users
		WHERE name_key IN (SELECT user_key FROM iam_group_members WHERE group_key = ?) ORDER BY name_key`, opts, nameKey(group))
}

// ListGroupsForUser implements gofaas.IdentityStore.
func (s *IdentityStore) ListGroupsForUser(ctx context.Context, user string, opts gofaas.ListOptions) ([]*gofaas.Group, gofaas.Page, error) {
	if _, err := s.GetUser(ctx, user); err != nil {
		return nil, gofaas.Page{}, err
	}
	return s.listGroups(ctx, `SELECT `+groupColumns+` FROM iam_groups
		WHERE name_key IN (SELECT group_key FROM iam_group_members WHERE user_key = ?) ORDER BY name_key`, opts, nameKey(user))
}

// ---- roles

const roleColumns = `name, path, role_id, trust_policy, description, max_session, boundary, tags, created_ns`

func scanRole(sc scanner) (*gofaas.Role, error) {
	var r gofaas.Role
	var tags string
	var created int64
	if err := sc.Scan(&r.Name, &r.Path, &r.RoleID, &r.AssumeRolePolicy, &r.Description, &r.MaxSessionDuration,
		&r.PermissionsBoundary, &tags, &created); err != nil {
		return nil, err
	}
	var err error
	if r.Tags, err = decodeTags(tags); err != nil {
		return nil, err
	}
	r.Created = fromNS(created)
	return &r, nil
}

func getRole(ctx context.Context, q queryer, name string) (*gofaas.Role, error) {
	r, err := scanRole(q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM iam_roles WHERE name_key = ?`, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, entityNotFound("role", name)
	} else if err != nil {
		return nil, fmt.Errorf("get role %s: %w", name, err)
	}
	return r, nil
}

// CreateRole implements gofaas.IdentityStore.
func (s *IdentityStore) CreateRole(ctx context.Context, r *gofaas.Role) error {
	if r.Path == "" {
		r.Path = "/"
	}
	if r.MaxSessionDuration == 0 {
		r.MaxSessionDuration = gofaas.DefaultMaxSessionDuration
	}
	tags, err := encodeTags(r.Tags)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_roles WHERE name_key = ?`, nameKey(r.Name)); err != nil {
			return err
		} else if n > 0 {
			return entityExists("Role", r.Name)
		}
		r.RoleID = newID("AROA", idRandomChars)
		r.Created = s.db.now().UTC().Truncate(time.Second)
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_roles (name_key, `+roleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nameKey(r.Name), r.Name, r.Path, r.RoleID, r.AssumeRolePolicy, r.Description, r.MaxSessionDuration,
			r.PermissionsBoundary, tags, toNS(r.Created))
		if err != nil {
			return fmt.Errorf("create role %s: %w", r.Name, err)
		}
		return nil
	})
}

// GetRole implements gofaas.IdentityStore.
func (s *IdentityStore) GetRole(ctx context.Context, name string) (*gofaas.Role, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return getRole(ctx, q, name)
}

// ListRoles implements gofaas.IdentityStore.
func (s *IdentityStore) ListRoles(ctx context.Context, opts gofaas.ListOptions) ([]*gofaas.Role, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+roleColumns+` FROM iam_roles ORDER BY name_key`)
	if err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list roles: %w", err)
	}
	defer rows.Close()
	var roles []*gofaas.Role
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list roles: %w", err)
		}
		if strings.HasPrefix(r.Path, opts.PathPrefix) {
			roles = append(roles, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list roles: %w", err)
	}
	items, page := pageOf(roles, func(r *gofaas.Role) string { return nameKey(r.Name) }, opts)
	return items, page, nil
}

// DeleteRole implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteRole(ctx context.Context, name string) error {
	key := nameKey(name)
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, gofaas.KindRole, name); err != nil {
			return err
		}
		checks := []struct{ query, msg string }{
			{`SELECT COUNT(*) FROM iam_attachments WHERE kind = 'role' AND entity_key = ?`, msgDetachPolicies},
			{`SELECT COUNT(*) FROM iam_inline_policies WHERE kind = 'role' AND entity_key = ?`, msgDeletePolicies},
		}
		for _, c := range checks {
			if n, err := count(ctx, tx, c.query, key); err != nil {
				return err
			} else if n > 0 {
				return deleteConflict(c.msg)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM iam_roles WHERE name_key = ?`, key); err != nil {
			return fmt.Errorf("delete role %s: %w", name, err)
		}
		return nil
	})
}

// UpdateRole implements gofaas.IdentityStore.
func (s *IdentityStore) UpdateRole(ctx context.Context, name string, description *string, maxSessionDuration int) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		r, err := getRole(ctx, tx, name)
		if err != nil {
			return err
		}
		if description != nil {
			r.Description = *description
		}
		if maxSessionDuration != 0 {
			r.MaxSessionDuration = maxSessionDuration
		}
		_, err = tx.ExecContext(ctx, `UPDATE iam_roles SET description = ?, max_session = ? WHERE name_key = ?`,
			r.Description, r.MaxSessionDuration, nameKey(name))
		if err != nil {
			return fmt.Errorf("update role %s: %w", name, err)
		}
		return nil
	})
}

// UpdateAssumeRolePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) UpdateAssumeRolePolicy(ctx context.Context, name, document string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE iam_roles SET trust_policy = ? WHERE name_key = ?`, document, nameKey(name))
		if err != nil {
			return fmt.Errorf("update trust policy of role %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return entityNotFound("role", name)
		}
		return nil
	})
}

// TagRole implements gofaas.IdentityStore.
func (s *IdentityStore) TagRole(ctx context.Context, name string, tags map[string]string) error {
	return s.changeTags(ctx, gofaas.KindRole, name, func(m map[string]string) {
		for k, v := range tags {
			m[k] = v
		}
	})
}

// UntagRole implements gofaas.IdentityStore.
func (s *IdentityStore) UntagRole(ctx context.Context, name string, keys []string) error {
	return s.changeTags(ctx, gofaas.KindRole, name, func(m map[string]string) {
		for _, k := range keys {
			delete(m, k)
		}
	})
}

// ---- managed policies

const policyColumns = `arn, name, path, policy_id, description, default_version, created_ns, updated_ns,
	(SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = iam_policies.arn)`

func scanPolicy(sc scanner) (*gofaas.ManagedPolicy, error) {
	var p gofaas.ManagedPolicy
	var created, updated int64
	if err := sc.Scan(&p.ARN, &p.Name, &p.Path, &p.PolicyID, &p.Description, &p.DefaultVersionID,
		&created, &updated, &p.AttachmentCount); err != nil {
		return nil, err
	}
	p.Created, p.Updated = fromNS(created), fromNS(updated)
	return &p, nil
}

// awsPolicy returns the AWS managed policy arn, or nil if there is none.
func (s *IdentityStore) awsPolicy(ctx context.Context, q queryer, arn string) (*gofaas.ManagedPolicy, error) {
	if _, ok := s.AWSManaged[arn]; !ok {
		return nil, nil
	}
	path, name := splitPolicyARN(arn)
	n, err := count(ctx, q, `SELECT COUNT(*) FROM iam_attachments WHERE policy_arn = ?`, arn)
	if err != nil {
		return nil, err
	}
	return &gofaas.ManagedPolicy{
		ARN: arn, Name: name, Path: path, PolicyID: awsPolicyID(arn), DefaultVersionID: "v1",
		AttachmentCount: n, Created: awsManagedCreated, Updated: awsManagedCreated,
	}, nil
}

func (s *IdentityStore) getPolicy(ctx context.Context, q queryer, arn string) (*gofaas.ManagedPolicy, error) {
	if isAWSManagedARN(arn) {
		p, err := s.awsPolicy(ctx, q, arn)
		if err != nil {
			return nil, err
		} else if p == nil {
			return nil, policyNotFound(arn)
		}
		return p, nil
	}
	p, err := scanPolicy(q.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM iam_policies WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, policyNotFound(arn)
	} else if err != nil {
		return nil, fmt.Errorf("get policy %s: %w", arn, err)
	}
	return p, nil
}

// CreatePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) CreatePolicy(ctx context.Context, p *gofaas.ManagedPolicy, document string) error {
	if p.Path == "" {
		p.Path = "/"
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_policies WHERE name_key = ?`, nameKey(p.Name)); err != nil {
			return err
		} else if n > 0 {
			return gofaas.TypedErrorf(gofaas.ECONFLICT, typeAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", p.Name)
		}
		now := s.db.now().UTC().Truncate(time.Second)
		p.ARN = s.PolicyARN(p.Path, p.Name)
		p.PolicyID = newID("ANPA", idRandomChars)
		p.DefaultVersionID = "v1"
		p.AttachmentCount = 0
		p.Created, p.Updated = now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO iam_policies (arn, name_key, name, path, policy_id, description,
			default_version, last_version, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			p.ARN, nameKey(p.Name), p.Name, p.Path, p.PolicyID, p.Description, p.DefaultVersionID, toNS(now), toNS(now)); err != nil {
			return fmt.Errorf("create policy %s: %w", p.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO iam_policy_versions (policy_arn, version_id, version_num, document, created_ns)
			VALUES (?, 'v1', 1, ?, ?)`, p.ARN, document, toNS(now)); err != nil {
			return fmt.Errorf("create policy %s: %w", p.Name, err)
		}
		return nil
	})
}

// GetPolicy implements gofaas.IdentityStore.
func (s *IdentityStore) GetPolicy(ctx context.Context, arn string) (*gofaas.ManagedPolicy, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return s.getPolicy(ctx, q, arn)
}

// ListPolicies implements gofaas.IdentityStore.
func (s *IdentityStore) ListPolicies(ctx context.Context, opts gofaas.ListPoliciesOptions) ([]*gofaas.ManagedPolicy, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	var all []*gofaas.ManagedPolicy
	if opts.Scope != gofaas.ScopeAWS {
		rows, err := q.QueryContext(ctx, `SELECT `+policyColumns+` FROM iam_policies`)
		if err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list policies: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPolicy(rows)
			if err != nil {
				return nil, gofaas.Page{}, fmt.Errorf("list policies: %w", err)
			}
			all = append(all, p)
		}
		if err := rows.Err(); err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list policies: %w", err)
		}
		rows.Close()
	}
	if opts.Scope != gofaas.ScopeLocal {
		for arn := range s.AWSManaged {
			p, err := s.awsPolicy(ctx, q, arn)
			if err != nil {
				return nil, gofaas.Page{}, err
			}
			all = append(all, p)
		}
	}
	kept := all[:0]
	for _, p := range all {
		if strings.HasPrefix(p.Path, opts.PathPrefix) && (!opts.OnlyAttached || p.AttachmentCount > 0) {
			kept = append(kept, p)
		}
	}
	key := func(p *gofaas.ManagedPolicy) string { return nameKey(p.Name) + " " + p.ARN }
	slices.SortFunc(kept, func(a, b *gofaas.ManagedPolicy) int { return strings.Compare(key(a), key(b)) })
	items, page := pageOf(kept, key, opts.ListOptions)
	return items, page, nil
}

// DeletePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) DeletePolicy(ctx context.Context, arn string) error {
	if isAWSManagedARN(arn) {
		return gofaas.Errorf(gofaas.EINVALID, "Cannot delete an AWS managed policy: %s", arn)
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPolicy(ctx, tx, arn)
		if err != nil {
			return err
		}
		if p.AttachmentCount > 0 {
			return deleteConflict(msgPolicyAttached)
		}
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = ?`, arn); err != nil {
			return err
		} else if n > 1 {
			return deleteConflict(msgPolicyHasVersions)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM iam_policies WHERE arn = ?`, arn); err != nil {
			return fmt.Errorf("delete policy %s: %w", arn, err)
		}
		return nil
	})
}

const versionColumns = `policy_arn, version_id, version_num, document, created_ns`

func scanVersion(sc scanner, defaultVersion string) (*gofaas.PolicyVersion, int, error) {
	var v gofaas.PolicyVersion
	var num int
	var created int64
	if err := sc.Scan(&v.PolicyARN, &v.VersionID, &num, &v.Document, &created); err != nil {
		return nil, 0, err
	}
	v.Created = fromNS(created)
	v.IsDefault = v.VersionID == defaultVersion
	return &v, num, nil
}

// CreatePolicyVersion implements gofaas.IdentityStore.
func (s *IdentityStore) CreatePolicyVersion(ctx context.Context, arn, document string, setAsDefault bool) (*gofaas.PolicyVersion, error) {
	if isAWSManagedARN(arn) {
		return nil, gofaas.Errorf(gofaas.EINVALID, "Cannot create a version of an AWS managed policy: %s", arn)
	}
	var v *gofaas.PolicyVersion
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.getPolicy(ctx, tx, arn); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = ?`, arn); err != nil {
			return err
		} else if n >= gofaas.MaxPolicyVersions {
			return limitExceeded("%s", msgVersionQuota)
		}
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT last_version FROM iam_policies WHERE arn = ?`, arn).Scan(&last); err != nil {
			return fmt.Errorf("create version of %s: %w", arn, err)
		}
		now := s.db.now().UTC().Truncate(time.Second)
		v = &gofaas.PolicyVersion{PolicyARN: arn, VersionID: "v" + strconv.Itoa(last+1), Document: document, IsDefault: setAsDefault, Created: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO iam_policy_versions (`+versionColumns+`) VALUES (?, ?, ?, ?, ?)`,
			arn, v.VersionID, last+1, document, toNS(now)); err != nil {
			return fmt.Errorf("create version of %s: %w", arn, err)
		}
		set := `last_version = ?, updated_ns = ?`
		args := []any{last + 1, toNS(now)}
		if setAsDefault {
			set += `, default_version = ?`
			args = append(args, v.VersionID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE iam_policies SET `+set+` WHERE arn = ?`, append(args, arn)...); err != nil {
			return fmt.Errorf("create version of %s: %w", arn, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// GetPolicyVersion implements gofaas.IdentityStore.
func (s *IdentityStore) GetPolicyVersion(ctx context.Context, arn, versionID string) (*gofaas.PolicyVersion, error) {
	if isAWSManagedARN(arn) {
		doc, ok := s.AWSManaged[arn]
		if !ok {
			return nil, policyNotFound(arn)
		} else if versionID != "v1" {
			return nil, versionNotFound(arn, versionID)
		}
		return &gofaas.PolicyVersion{PolicyARN: arn, VersionID: "v1", Document: doc, IsDefault: true, Created: awsManagedCreated}, nil
	}
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	p, err := s.getPolicy(ctx, q, arn)
	if err != nil {
		return nil, err
	}
	v, _, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM iam_policy_versions
		WHERE policy_arn = ? AND version_id = ?`, arn, versionID), p.DefaultVersionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, versionNotFound(arn, versionID)
	} else if err != nil {
		return nil, fmt.Errorf("get version %s of %s: %w", versionID, arn, err)
	}
	return v, nil
}

// ListPolicyVersions implements gofaas.IdentityStore. Versions are listed
// newest first, as IAM does.
func (s *IdentityStore) ListPolicyVersions(ctx context.Context, arn string, opts gofaas.ListOptions) ([]*gofaas.PolicyVersion, gofaas.Page, error) {
	if isAWSManagedARN(arn) {
		v, err := s.GetPolicyVersion(ctx, arn, "v1")
		if err != nil {
			return nil, gofaas.Page{}, err
		}
		return []*gofaas.PolicyVersion{v}, gofaas.Page{}, nil
	}
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	p, err := s.getPolicy(ctx, q, arn)
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+versionColumns+` FROM iam_policy_versions WHERE policy_arn = ? ORDER BY version_num DESC`, arn)
	if err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list versions of %s: %w", arn, err)
	}
	defer rows.Close()
	type numbered struct {
		v   *gofaas.PolicyVersion
		key string
	}
	var all []numbered
	for rows.Next() {
		v, num, err := scanVersion(rows, p.DefaultVersionID)
		if err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list versions of %s: %w", arn, err)
		}
		// Newest first: the key sorts descending numbers ascending.
		all = append(all, numbered{v, fmt.Sprintf("%010d", 1<<30-num)})
	}
	if err := rows.Err(); err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list versions of %s: %w", arn, err)
	}
	items, page := pageOf(all, func(n numbered) string { return n.key }, opts)
	out := make([]*gofaas.PolicyVersion, len(items))
	for i, n := range items {
		out[i] = n.v
	}
	return out, page, nil
}

// DeletePolicyVersion implements gofaas.IdentityStore.
func (s *IdentityStore) DeletePolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPolicy(ctx, tx, arn)
		if err != nil {
			return err
		}
		if p.DefaultVersionID == versionID {
			return deleteConflict(msgDeleteDefault)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?`, arn, versionID)
		if err != nil {
			return fmt.Errorf("delete version %s of %s: %w", versionID, arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return versionNotFound(arn, versionID)
		}
		return nil
	})
}

// SetDefaultPolicyVersion implements gofaas.IdentityStore.
func (s *IdentityStore) SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.getPolicy(ctx, tx, arn); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?`, arn, versionID); err != nil {
			return err
		} else if n == 0 {
			return versionNotFound(arn, versionID)
		}
		_, err := tx.ExecContext(ctx, `UPDATE iam_policies SET default_version = ?, updated_ns = ? WHERE arn = ?`,
			versionID, toNS(s.db.now()), arn)
		if err != nil {
			return fmt.Errorf("set default version of %s: %w", arn, err)
		}
		return nil
	})
}

// defaultDocument returns the default version's document of a customer or
// AWS managed policy, and false if the policy does not exist.
func (s *IdentityStore) defaultDocument(ctx context.Context, q queryer, arn string) (string, bool, error) {
	if isAWSManagedARN(arn) {
		doc, ok := s.AWSManaged[arn]
		return doc, ok, nil
	}
	var doc string
	err := q.QueryRowContext(ctx, `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
		ON v.policy_arn = p.arn AND v.version_id = p.default_version WHERE p.arn = ?`, arn).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("get document of %s: %w", arn, err)
	}
	return doc, true, nil
}

// ---- attachments

// AttachPolicy implements gofaas.IdentityStore.
func (s *IdentityStore) AttachPolicy(ctx context.Context, kind, name, policyARN string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, kind, name); err != nil {
			return err
		}
		if _, ok, err := s.defaultDocument(ctx, tx, policyARN); err != nil {
			return err
		} else if !ok {
			return policyNotAttachable(policyARN)
		}
		key := nameKey(name)
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_attachments WHERE kind = ? AND entity_key = ? AND policy_arn <> ?`,
			kind, key, policyARN); err != nil {
			return err
		} else if n >= maxAttachedPolicies {
			return limitExceeded("Cannot exceed quota for PoliciesPer%s: %d", strings.ToUpper(kind[:1])+kind[1:], maxAttachedPolicies)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_attachments (kind, entity_key, policy_arn) VALUES (?, ?, ?)
			ON CONFLICT (kind, entity_key, policy_arn) DO NOTHING`, kind, key, policyARN)
		if err != nil {
			return fmt.Errorf("attach %s to %s %s: %w", policyARN, kind, name, err)
		}
		return nil
	})
}

// DetachPolicy implements gofaas.IdentityStore.
func (s *IdentityStore) DetachPolicy(ctx context.Context, kind, name, policyARN string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, kind, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_attachments WHERE kind = ? AND entity_key = ? AND policy_arn = ?`,
			kind, nameKey(name), policyARN)
		if err != nil {
			return fmt.Errorf("detach %s from %s %s: %w", policyARN, kind, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policyNotFound(policyARN)
		}
		return nil
	})
}

func (s *IdentityStore) attachedARNs(ctx context.Context, q queryer, kind, name string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT policy_arn FROM iam_attachments WHERE kind = ? AND entity_key = ? ORDER BY policy_arn`,
		kind, nameKey(name))
	if err != nil {
		return nil, fmt.Errorf("list policies of %s %s: %w", kind, name, err)
	}
	defer rows.Close()
	var arns []string
	for rows.Next() {
		var arn string
		if err := rows.Scan(&arn); err != nil {
			return nil, fmt.Errorf("list policies of %s %s: %w", kind, name, err)
		}
		arns = append(arns, arn)
	}
	return arns, rows.Err()
}

// ListAttachedPolicies implements gofaas.IdentityStore.
func (s *IdentityStore) ListAttachedPolicies(ctx context.Context, kind, name string, opts gofaas.ListOptions) ([]gofaas.AttachedPolicy, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	if err := entityExistsIn(ctx, q, kind, name); err != nil {
		return nil, gofaas.Page{}, err
	}
	arns, err := s.attachedARNs(ctx, q, kind, name)
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	var out []gofaas.AttachedPolicy
	for _, arn := range arns {
		path, pname := splitPolicyARN(arn)
		if strings.HasPrefix(path, opts.PathPrefix) {
			out = append(out, gofaas.AttachedPolicy{Name: pname, ARN: arn})
		}
	}
	items, page := pageOf(out, func(a gofaas.AttachedPolicy) string { return a.ARN }, opts)
	return items, page, nil
}

// ---- inline policies

func inlineNotFound(kind, policyName string) error {
	return gofaas.Errorf(gofaas.ENOTFOUND, "The %s policy with name %s cannot be found.", kind, policyName)
}

// PutInlinePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) PutInlinePolicy(ctx context.Context, kind, name, policyName, document string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, kind, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_inline_policies (kind, entity_key, name_key, name, document)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, entity_key, name_key) DO UPDATE SET document = excluded.document`,
			kind, nameKey(name), nameKey(policyName), policyName, document)
		if err != nil {
			return fmt.Errorf("put policy %s of %s %s: %w", policyName, kind, name, err)
		}
		return nil
	})
}

// GetInlinePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) GetInlinePolicy(ctx context.Context, kind, name, policyName string) (string, error) {
	q, err := s.db.reader()
	if err != nil {
		return "", err
	}
	if err := entityExistsIn(ctx, q, kind, name); err != nil {
		return "", err
	}
	var doc string
	err = q.QueryRowContext(ctx, `SELECT document FROM iam_inline_policies WHERE kind = ? AND entity_key = ? AND name_key = ?`,
		kind, nameKey(name), nameKey(policyName)).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", inlineNotFound(kind, policyName)
	} else if err != nil {
		return "", fmt.Errorf("get policy %s of %s %s: %w", policyName, kind, name, err)
	}
	return doc, nil
}

// DeleteInlinePolicy implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteInlinePolicy(ctx context.Context, kind, name, policyName string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := entityExistsIn(ctx, tx, kind, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_inline_policies WHERE kind = ? AND entity_key = ? AND name_key = ?`,
			kind, nameKey(name), nameKey(policyName))
		if err != nil {
			return fmt.Errorf("delete policy %s of %s %s: %w", policyName, kind, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return inlineNotFound(kind, policyName)
		}
		return nil
	})
}

// inlinePolicies returns the inline policies of an entity, by name.
func inlinePolicies(ctx context.Context, q queryer, kind, name string) ([]gofaas.PolicyDocument, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, document FROM iam_inline_policies WHERE kind = ? AND entity_key = ? ORDER BY name_key`,
		kind, nameKey(name))
	if err != nil {
		return nil, fmt.Errorf("list policies of %s %s: %w", kind, name, err)
	}
	defer rows.Close()
	var out []gofaas.PolicyDocument
	for rows.Next() {
		d := gofaas.PolicyDocument{Owner: kind + "/" + name}
		if err := rows.Scan(&d.Name, &d.Document); err != nil {
			return nil, fmt.Errorf("list policies of %s %s: %w", kind, name, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ListInlinePolicies implements gofaas.IdentityStore.
func (s *IdentityStore) ListInlinePolicies(ctx context.Context, kind, name string, opts gofaas.ListOptions) ([]string, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	if err := entityExistsIn(ctx, q, kind, name); err != nil {
		return nil, gofaas.Page{}, err
	}
	docs, err := inlinePolicies(ctx, q, kind, name)
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	items, page := pageOf(names, nameKey, opts)
	return items, page, nil
}

// ---- access keys

// CreateAccessKey implements gofaas.IdentityStore.
func (s *IdentityStore) CreateAccessKey(ctx context.Context, userName string) (*gofaas.AccessKey, error) {
	var k *gofaas.AccessKey
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if userName != "" {
			u, err := getUser(ctx, tx, userName)
			if err != nil {
				return err
			}
			userName = u.Name
		}
		if n, err := count(ctx, tx, `SELECT COUNT(*) FROM iam_access_keys WHERE user_key = ?`, nameKey(userName)); err != nil {
			return err
		} else if n >= gofaas.MaxAccessKeysPerUser {
			return limitExceeded("%s", msgAccessKeyQuota)
		}
		k = &gofaas.AccessKey{
			AccessKeyID:     newID("AKIA", accessKeyRandomChars),
			SecretAccessKey: newSecret(),
			UserName:        userName,
			Status:          "Active",
			Created:         s.db.now().UTC().Truncate(time.Second),
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_access_keys (access_key_id, user_key, secret, status, created_ns)
			VALUES (?, ?, ?, ?, ?)`, k.AccessKeyID, nameKey(userName), k.SecretAccessKey, k.Status, toNS(k.Created))
		if err != nil {
			return fmt.Errorf("create access key: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ListAccessKeys implements gofaas.IdentityStore.
func (s *IdentityStore) ListAccessKeys(ctx context.Context, userName string, opts gofaas.ListOptions) ([]*gofaas.AccessKey, gofaas.Page, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, gofaas.Page{}, err
	}
	if userName != "" {
		u, err := getUser(ctx, q, userName)
		if err != nil {
			return nil, gofaas.Page{}, err
		}
		userName = u.Name
	}
	rows, err := q.QueryContext(ctx, `SELECT access_key_id, status, created_ns FROM iam_access_keys WHERE user_key = ? ORDER BY access_key_id`,
		nameKey(userName))
	if err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list access keys: %w", err)
	}
	defer rows.Close()
	var keys []*gofaas.AccessKey
	for rows.Next() {
		k := &gofaas.AccessKey{UserName: userName}
		var created int64
		if err := rows.Scan(&k.AccessKeyID, &k.Status, &created); err != nil {
			return nil, gofaas.Page{}, fmt.Errorf("list access keys: %w", err)
		}
		k.Created = fromNS(created)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, gofaas.Page{}, fmt.Errorf("list access keys: %w", err)
	}
	items, page := pageOf(keys, func(k *gofaas.AccessKey) string { return k.AccessKeyID }, opts)
	return items, page, nil
}

// UpdateAccessKey implements gofaas.IdentityStore.
func (s *IdentityStore) UpdateAccessKey(ctx context.Context, userName, accessKeyID, status string) error {
	if status != "Active" && status != "Inactive" {
		return gofaas.Errorf(gofaas.EINVALID, "Invalid access key status: %s", status)
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if userName != "" {
			if err := entityExistsIn(ctx, tx, gofaas.KindUser, userName); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE iam_access_keys SET status = ? WHERE access_key_id = ? AND user_key = ?`,
			status, accessKeyID, nameKey(userName))
		if err != nil {
			return fmt.Errorf("update access key %s: %w", accessKeyID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return accessKeyNotFound(accessKeyID)
		}
		return nil
	})
}

// DeleteAccessKey implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteAccessKey(ctx context.Context, userName, accessKeyID string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if userName != "" {
			if err := entityExistsIn(ctx, tx, gofaas.KindUser, userName); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_access_keys WHERE access_key_id = ? AND user_key = ?`,
			accessKeyID, nameKey(userName))
		if err != nil {
			return fmt.Errorf("delete access key %s: %w", accessKeyID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return accessKeyNotFound(accessKeyID)
		}
		return nil
	})
}

// ---- sessions

// CreateSession implements gofaas.IdentityStore.
func (s *IdentityStore) CreateSession(ctx context.Context, sess *gofaas.Session) error {
	if sess.RoleName == "" || sess.Expiration.IsZero() {
		return gofaas.Errorf(gofaas.EINVALID, "a session needs a role and an expiration")
	}
	if sess.AccessKeyID == "" {
		sess.AccessKeyID = newID("ASIA", accessKeyRandomChars)
	}
	if sess.SecretAccessKey == "" {
		sess.SecretAccessKey = newSecret()
	}
	if sess.SessionToken == "" {
		sess.SessionToken = newSessionToken()
	}
	arns, err := json.Marshal(sess.PolicyARNs)
	if err != nil {
		return fmt.Errorf("encode session policy ARNs: %w", err)
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sts_sessions (access_key_id, secret, session_token, role_name, role_id,
			session_name, policy, policy_arns, expiration_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sess.AccessKeyID, sess.SecretAccessKey, sess.SessionToken, sess.RoleName, sess.RoleID, sess.SessionName,
			sess.Policy, string(arns), toNS(sess.Expiration))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// GetSession implements gofaas.IdentityStore.
func (s *IdentityStore) GetSession(ctx context.Context, accessKeyID string) (*gofaas.Session, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	var sess gofaas.Session
	var arns string
	var exp int64
	err = q.QueryRowContext(ctx, `SELECT access_key_id, secret, session_token, role_name, role_id, session_name, policy,
		policy_arns, expiration_ns FROM sts_sessions WHERE access_key_id = ?`, accessKeyID).Scan(
		&sess.AccessKeyID, &sess.SecretAccessKey, &sess.SessionToken, &sess.RoleName, &sess.RoleID, &sess.SessionName,
		&sess.Policy, &arns, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gofaas.Errorf(gofaas.ENOTFOUND, "The security token included in the request is invalid.")
	} else if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	sess.Expiration = fromNS(exp)
	if !s.db.now().Before(sess.Expiration) {
		return nil, gofaas.TypedErrorf(gofaas.ENOTFOUND, "ExpiredToken", "The security token included in the request is expired")
	}
	if err := json.Unmarshal([]byte(arns), &sess.PolicyARNs); err != nil {
		return nil, fmt.Errorf("decode session policy ARNs: %w", err)
	}
	return &sess, nil
}

// DeleteExpiredSessions implements gofaas.IdentityStore.
func (s *IdentityStore) DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sts_sessions WHERE expiration_ns < ?`, toNS(t))
		if err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// ---- credentials and policies

// LookupCredentials implements gofaas.CredentialStore: Active access keys
// of users (and of the root user), and unexpired sessions.
func (s *IdentityStore) LookupCredentials(ctx context.Context, accessKeyID string) (*gofaas.Credentials, error) {
	unknown := gofaas.Errorf(gofaas.ENOTFOUND, "The security token included in the request is invalid.")
	if strings.HasPrefix(accessKeyID, "ASIA") {
		sess, err := s.GetSession(ctx, accessKeyID)
		if err != nil {
			return nil, err
		}
		return &gofaas.Credentials{
			SecretAccessKey: sess.SecretAccessKey,
			SessionToken:    sess.SessionToken,
			Principal: &gofaas.Principal{
				Type:        "AssumedRole",
				ARN:         "arn:aws:sts::" + s.AccountID + ":assumed-role/" + sess.RoleName + "/" + sess.SessionName,
				AccountID:   s.AccountID,
				UserID:      sess.RoleID + ":" + sess.SessionName,
				Name:        sess.RoleName,
				SessionName: sess.SessionName,
				AccessKeyID: accessKeyID,
				Session:     sess,
			},
		}, nil
	}
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	var userKey, secret, status string
	err = q.QueryRowContext(ctx, `SELECT user_key, secret, status FROM iam_access_keys WHERE access_key_id = ?`, accessKeyID).
		Scan(&userKey, &secret, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unknown
	} else if err != nil {
		return nil, fmt.Errorf("look up access key: %w", err)
	}
	if status != "Active" {
		return nil, unknown
	}
	if userKey == "" {
		return &gofaas.Credentials{SecretAccessKey: secret, Principal: &gofaas.Principal{
			Type: "Root", ARN: "arn:aws:iam::" + s.AccountID + ":root", AccountID: s.AccountID,
			UserID: s.AccountID, AccessKeyID: accessKeyID,
		}}, nil
	}
	u, err := getUser(ctx, q, userKey)
	if err != nil {
		return nil, fmt.Errorf("look up access key owner: %w", err)
	}
	return &gofaas.Credentials{SecretAccessKey: secret, Principal: &gofaas.Principal{
		Type: "IAMUser", ARN: s.arn("user", u.Path, u.Name), AccountID: s.AccountID,
		UserID: u.UserID, Name: u.Name, AccessKeyID: accessKeyID,
	}}, nil
}

// managedDocuments returns the documents of the policies attached to an
// entity; attached policies that no longer resolve are skipped.
func (s *IdentityStore) managedDocuments(ctx context.Context, q queryer, kind, name string) ([]gofaas.PolicyDocument, error) {
	arns, err := s.attachedARNs(ctx, q, kind, name)
	if err != nil {
		return nil, err
	}
	var out []gofaas.PolicyDocument
	for _, arn := range arns {
		doc, ok, err := s.defaultDocument(ctx, q, arn)
		if err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		_, pname := splitPolicyARN(arn)
		out = append(out, gofaas.PolicyDocument{Name: pname, ARN: arn, Owner: kind + "/" + name, Document: doc})
	}
	return out, nil
}

// entityDocuments returns the inline and attached policies of an entity.
func (s *IdentityStore) entityDocuments(ctx context.Context, q queryer, kind, name string) ([]gofaas.PolicyDocument, error) {
	inline, err := inlinePolicies(ctx, q, kind, name)
	if err != nil {
		return nil, err
	}
	managed, err := s.managedDocuments(ctx, q, kind, name)
	if err != nil {
		return nil, err
	}
	return append(inline, managed...), nil
}

func (s *IdentityStore) boundary(ctx context.Context, q queryer, arn string) (*gofaas.PolicyDocument, error) {
	if arn == "" {
		return nil, nil
	}
	doc, ok, err := s.defaultDocument(ctx, q, arn)
	if err != nil {
		return nil, err
	} else if !ok {
		// A boundary that no longer exists allows nothing.
		doc = `{"Version":"2012-10-17","Statement":[]}`
	}
	_, pname := splitPolicyARN(arn)
	return &gofaas.PolicyDocument{Name: pname, ARN: arn, Document: doc}, nil
}

// PoliciesFor implements gofaas.IdentityStore.
func (s *IdentityStore) PoliciesFor(ctx context.Context, p *gofaas.Principal) (*gofaas.PrincipalPolicies, error) {
	q, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	out := &gofaas.PrincipalPolicies{}
	switch p.Type {
	case "Root":
		return out, nil
	case "IAMUser":
		u, err := getUser(ctx, q, p.Name)
		if err != nil {
			return nil, err
		}
		if out.Identity, err = s.entityDocuments(ctx, q, gofaas.KindUser, u.Name); err != nil {
			return nil, err
		}
		groups, _, err := s.listGroups(ctx, `SELECT `+groupColumns+` FROM iam_groups
			WHERE name_key IN (SELECT group_key FROM iam_group_members WHERE user_key = ?) ORDER BY name_key`,
			gofaas.ListOptions{MaxItems: 1 << 30}, nameKey(u.Name))
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			docs, err := s.entityDocuments(ctx, q, gofaas.KindGroup, g.Name)
			if err != nil {
				return nil, err
			}
			out.Identity = append(out.Identity, docs...)
		}
		if out.Boundary, err = s.boundary(ctx, q, u.PermissionsBoundary); err != nil {
			return nil, err
		}
	case "AssumedRole":
		roleName := p.Name
		if p.Session != nil && p.Session.RoleName != "" {
			roleName = p.Session.RoleName
		}
		r, err := getRole(ctx, q, roleName)
		if err != nil {
			return nil, err
		}
		if out.Identity, err = s.entityDocuments(ctx, q, gofaas.KindRole, r.Name); err != nil {
			return nil, err
		}
		if out.Boundary, err = s.boundary(ctx, q, r.PermissionsBoundary); err != nil {
			return nil, err
		}
		if sess := p.Session; sess != nil && (sess.Policy != "" || len(sess.PolicyARNs) > 0) {
			out.Session = []gofaas.PolicyDocument{}
			if sess.Policy != "" {
				out.Session = append(out.Session, gofaas.PolicyDocument{Name: "session", Owner: "session", Document: sess.Policy})
			}
			for _, arn := range sess.PolicyARNs {
				doc, ok, err := s.defaultDocument(ctx, q, arn)
				if err != nil {
					return nil, err
				} else if !ok {
					continue
				}
				_, pname := splitPolicyARN(arn)
				out.Session = append(out.Session, gofaas.PolicyDocument{Name: pname, ARN: arn, Owner: "session", Document: doc})
			}
		}
	default:
		return nil, gofaas.Errorf(gofaas.EINVALID, "unknown principal type %q", p.Type)
	}
	return out, nil
}
