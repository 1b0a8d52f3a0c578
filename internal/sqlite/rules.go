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

// RuleStore implements gofaas.RuleStore: EventBridge buses, rules, targets
// and scheduled firings. The default bus has no row; it always exists.
type RuleStore struct {
	db *DB
}

var _ gofaas.RuleStore = (*RuleStore)(nil)

// NewRuleStore returns a RuleStore over an open db.
func NewRuleStore(db *DB) *RuleStore { return &RuleStore{db: db} }

func errBusNotFound(bus string) error {
	return gofaas.TypedErrorf(gofaas.ENOTFOUND, "ResourceNotFoundException", "Event bus %s does not exist.", bus)
}

func errRuleNotFound(bus, name string) error {
	return gofaas.TypedErrorf(gofaas.ENOTFOUND, "ResourceNotFoundException", "Rule %s does not exist on EventBus %s.", name, bus)
}

// busExists reports whether bus exists.
func busExists(ctx context.Context, q queryer, bus string) error {
	if bus == gofaas.DefaultEventBus {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_buses WHERE name = ?`, bus).Scan(&n); err != nil {
		return fmt.Errorf("find event bus %s: %w", bus, err)
	} else if n == 0 {
		return errBusNotFound(bus)
	}
	return nil
}

// ruleExists returns ENOTFOUND unless the rule exists.
func ruleExists(ctx context.Context, q queryer, bus, name string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_rules WHERE bus = ? AND name = ?`, bus, name).Scan(&n); err != nil {
		return fmt.Errorf("find rule %s/%s: %w", bus, name, err)
	} else if n == 0 {
		if err := busExists(ctx, q, bus); err != nil {
			return err
		}
		return errRuleNotFound(bus, name)
	}
	return nil
}

// CreateEventBus implements gofaas.RuleStore.
func (s *RuleStore) CreateEventBus(ctx context.Context, b *gofaas.EventBus) error {
	if b.Name == gofaas.DefaultEventBus {
		return gofaas.TypedErrorf(gofaas.ECONFLICT, "ResourceAlreadyExistsException", "Event bus %s already exists.", b.Name)
	}
	tags, err := encodeTags(b.Tags)
	if err != nil {
		return err
	}
	now := s.db.now()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO event_buses (name, description, created_ns, modified_ns, tags)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`, b.Name, b.Description, now.UnixNano(), now.UnixNano(), tags)
		if err != nil {
			return fmt.Errorf("create event bus %s: %w", b.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gofaas.TypedErrorf(gofaas.ECONFLICT, "ResourceAlreadyExistsException", "Event bus %s already exists.", b.Name)
		}
		b.Created, b.LastModified = fromNS(now.UnixNano()), fromNS(now.UnixNano())
		return nil
	})
}

// GetEventBus implements gofaas.RuleStore.
func (s *RuleStore) GetEventBus(ctx context.Context, name string) (*gofaas.EventBus, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	buses, err := queryBuses(ctx, rd, `WHERE name = ?`, name)
	if err != nil {
		return nil, err
	} else if len(buses) == 0 && name == gofaas.DefaultEventBus {
		return &gofaas.EventBus{Name: name}, nil
	} else if len(buses) == 0 {
		return nil, errBusNotFound(name)
	}
	return buses[0], nil
}

// ListEventBuses implements gofaas.RuleStore.
func (s *RuleStore) ListEventBuses(ctx context.Context, prefix, after string, limit int) ([]*gofaas.EventBus, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	buses, err := queryBuses(ctx, rd, `WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name`,
		after, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return nil, err
	}
	// The implicit default bus takes its place in name order.
	d := gofaas.DefaultEventBus
	if d > after && len(d) >= len(prefix) && d[:len(prefix)] == prefix {
		i := 0
		for i < len(buses) && buses[i].Name < d {
			i++
		}
		if i == len(buses) || buses[i].Name != d {
			buses = append(buses[:i], append([]*gofaas.EventBus{{Name: d}}, buses[i:]...)...)
		}
	}
	if limit > 0 && len(buses) > limit {
		buses = buses[:limit]
	}
	return buses, nil
}

func queryBuses(ctx context.Context, q queryer, tail string, args ...any) ([]*gofaas.EventBus, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, description, created_ns, modified_ns, tags FROM event_buses `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list event buses: %w", err)
	}
	defer rows.Close()
	var out []*gofaas.EventBus
	for rows.Next() {
		var b gofaas.EventBus
		var created, modified int64
		var tags string
		if err := rows.Scan(&b.Name, &b.Description, &created, &modified, &tags); err != nil {
			return nil, fmt.Errorf("list event buses: %w", err)
		}
		b.Created, b.LastModified = fromNS(created), fromNS(modified)
		if b.Tags, err = decodeTags(tags); err != nil {
			return nil, err
		}
		out = append(out, &b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list event buses: %w", err)
	}
	return out, nil
}

// DeleteEventBus implements gofaas.RuleStore.
func (s *RuleStore) DeleteEventBus(ctx context.Context, name string) error {
	if name == gofaas.DefaultEventBus {
		return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Cannot delete event bus default.")
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM event_firings WHERE bus = ?`,
			`DELETE FROM event_targets WHERE bus = ?`,
			`DELETE FROM event_rules WHERE bus = ?`,
			`DELETE FROM event_buses WHERE name = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, name); err != nil {
				return fmt.Errorf("delete event bus %s: %w", name, err)
			}
		}
		return nil
	})
}

// ruleColumns are the columns scanRule reads.
const ruleColumns = `bus, name, schedule, pattern, state, description, role_arn, arn, created_by, tags, created_ns, next_fire_ns`

func scanRule(sc scanner) (*gofaas.Rule, error) {
	var r gofaas.Rule
	var tags string
	var created, next int64
	if err := sc.Scan(&r.EventBusName, &r.Name, &r.ScheduleExpression, &r.EventPattern, &r.State, &r.Description,
		&r.RoleArn, &r.Arn, &r.CreatedBy, &tags, &created, &next); err != nil {
		return nil, err
	}
	var err error
	if r.Tags, err = decodeTags(tags); err != nil {
		return nil, err
	}
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	r.Created, r.NextFire = fromNS(created), fromNS(next)
	return &r, nil
}

func queryRules(ctx context.Context, q queryer, tail string, args ...any) ([]*gofaas.Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM event_rules `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	defer rows.Close()
	var out []*gofaas.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("list rules: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return out, nil
}

// PutRule implements gofaas.RuleStore.
func (s *RuleStore) PutRule(ctx context.Context, r *gofaas.Rule) (bool, error) {
	if r.EventBusName == "" {
		r.EventBusName = gofaas.DefaultEventBus
	}
	if r.State == "" {
		r.State = gofaas.RuleEnabled
	}
	tags, err := encodeTags(r.Tags)
	if err != nil {
		return false, err
	}
	now := s.db.now()
	created := false
	err = s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := busExists(ctx, tx, r.EventBusName); err != nil {
			return err
		}
		old, err := scanRule(tx.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM event_rules WHERE bus = ? AND name = ?`, r.EventBusName, r.Name))
		switch {
		case err == sql.ErrNoRows:
			created = true
			r.Created, r.NextFire = fromNS(now.UnixNano()), time.Time{}
			_, err = tx.ExecContext(ctx, `INSERT INTO event_rules (`+ruleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
				r.EventBusName, r.Name, r.ScheduleExpression, r.EventPattern, r.State, r.Description, r.RoleArn, r.Arn,
				r.CreatedBy, tags, now.UnixNano())
		case err != nil:
			return err
		default:
			r.Tags, r.Created, r.CreatedBy, r.NextFire = old.Tags, old.Created, old.CreatedBy, old.NextFire
			if old.ScheduleExpression != r.ScheduleExpression || old.State != r.State {
				r.NextFire = time.Time{}
			}
			_, err = tx.ExecContext(ctx, `UPDATE event_rules SET schedule = ?, pattern = ?, state = ?, description = ?,
				role_arn = ?, arn = ?, next_fire_ns = ? WHERE bus = ? AND name = ?`,
				r.ScheduleExpression, r.EventPattern, r.State, r.Description, r.RoleArn, r.Arn, toNS(r.NextFire),
				r.EventBusName, r.Name)
		}
		if err != nil {
			return fmt.Errorf("put rule %s/%s: %w", r.EventBusName, r.Name, err)
		}
		return nil
	})
	return created, err
}

// GetRule implements gofaas.RuleStore.
func (s *RuleStore) GetRule(ctx context.Context, bus, name string) (*gofaas.Rule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rules, err := queryRules(ctx, rd, `WHERE bus = ? AND name = ?`, bus, name)
	if err != nil {
		return nil, err
	} else if len(rules) == 0 {
		if err := busExists(ctx, rd, bus); err != nil {
			return nil, err
		}
		return nil, errRuleNotFound(bus, name)
	}
	return rules[0], nil
}

// ListRules implements gofaas.RuleStore.
func (s *RuleStore) ListRules(ctx context.Context, bus, prefix, after string, limit int) ([]*gofaas.Rule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	if err := busExists(ctx, rd, bus); err != nil {
		return nil, err
	}
	return queryRules(ctx, rd, `WHERE bus = ? AND name > ? AND substr(name, 1, ?) = ? ORDER BY name`+limitClause(limit),
		bus, after, utf8.RuneCountInString(prefix), prefix)
}

// SetRuleState implements gofaas.RuleStore.
func (s *RuleStore) SetRuleState(ctx context.Context, bus, name, state string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE event_rules SET state = ?,
			next_fire_ns = CASE WHEN state = ? THEN next_fire_ns ELSE 0 END WHERE bus = ? AND name = ?`,
			state, state, bus, name)
		if err != nil {
			return fmt.Errorf("set state of rule %s/%s: %w", bus, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ruleExists(ctx, tx, bus, name)
		}
		return nil
	})
}

// DeleteRule implements gofaas.RuleStore.
func (s *RuleStore) DeleteRule(ctx context.Context, bus, name string, force bool) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := ruleExists(ctx, tx, bus, name); err != nil {
			// EventBridge answers a delete of a missing rule with success.
			if gofaas.ErrorCode(err) == gofaas.ENOTFOUND && bus == gofaas.DefaultEventBus {
				return nil
			}
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_targets WHERE bus = ? AND rule = ?`, bus, name).Scan(&n); err != nil {
			return fmt.Errorf("delete rule %s/%s: %w", bus, name, err)
		}
		if n > 0 && !force {
			return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Rule can't be deleted since it has targets.")
		}
		for _, q := range []string{
			`DELETE FROM event_targets WHERE bus = ? AND rule = ?`,
			`DELETE FROM event_firings WHERE bus = ? AND rule = ?`,
			`DELETE FROM event_rules WHERE bus = ? AND name = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, bus, name); err != nil {
				return fmt.Errorf("delete rule %s/%s: %w", bus, name, err)
			}
		}
		return nil
	})
}

// SetRuleTags implements gofaas.RuleStore.
func (s *RuleStore) SetRuleTags(ctx context.Context, bus, name string, add map[string]string, remove []string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var raw string
		var err error
		if name == "" {
			if bus == gofaas.DefaultEventBus {
				// The default bus has no row until it is tagged.
				now := s.db.now().UnixNano()
				if _, err := tx.ExecContext(ctx, `INSERT INTO event_buses (name, created_ns, modified_ns) VALUES (?, ?, ?)
					ON CONFLICT (name) DO NOTHING`, bus, now, now); err != nil {
					return fmt.Errorf("tag event bus %s: %w", bus, err)
				}
			}
			err = tx.QueryRowContext(ctx, `SELECT tags FROM event_buses WHERE name = ?`, bus).Scan(&raw)
			if err == sql.ErrNoRows {
				return errBusNotFound(bus)
			}
		} else {
			err = tx.QueryRowContext(ctx, `SELECT tags FROM event_rules WHERE bus = ? AND name = ?`, bus, name).Scan(&raw)
			if err == sql.ErrNoRows {
				return ruleExists(ctx, tx, bus, name)
			}
		}
		if err != nil {
			return fmt.Errorf("tag %s/%s: %w", bus, name, err)
		}
		tags, err := decodeTags(raw)
		if err != nil || tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, add)
		for _, k := range remove {
			delete(tags, k)
		}
		enc, err := encodeTags(tags)
		if err != nil {
			return err
		}
		if name == "" {
			_, err = tx.ExecContext(ctx, `UPDATE event_buses SET tags = ? WHERE name = ?`, enc, bus)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE event_rules SET tags = ? WHERE bus = ? AND name = ?`, enc, bus, name)
		}
		if err != nil {
			return fmt.Errorf("tag %s/%s: %w", bus, name, err)
		}
		return nil
	})
}

// targetConfig is a target's stored JSON configuration.
type targetConfig struct {
	RoleArn          string                   `json:"roleArn,omitempty"`
	Input            string                   `json:"input,omitempty"`
	InputPath        string                   `json:"inputPath,omitempty"`
	InputTransformer *gofaas.InputTransformer `json:"inputTransformer,omitempty"`
	RetryPolicy      *gofaas.RetryPolicy      `json:"retryPolicy,omitempty"`
	DeadLetterConfig *gofaas.DeadLetterConfig `json:"deadLetterConfig,omitempty"`
}

// PutTargets implements gofaas.RuleStore.
func (s *RuleStore) PutTargets(ctx context.Context, bus, rule string, targets []*gofaas.Target) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := ruleExists(ctx, tx, bus, rule); err != nil {
			return err
		}
		for _, t := range targets {
			cfg, err := json.Marshal(targetConfig{RoleArn: t.RoleArn, Input: t.Input, InputPath: t.InputPath,
				InputTransformer: t.InputTransformer, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig})
			if err != nil {
				return fmt.Errorf("encode target %s: %w", t.Id, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO event_targets (bus, rule, id, arn, config) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (bus, rule, id) DO UPDATE SET arn = excluded.arn, config = excluded.config`,
				bus, rule, t.Id, t.Arn, string(cfg)); err != nil {
				return fmt.Errorf("put target %s of rule %s/%s: %w", t.Id, bus, rule, err)
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_targets WHERE bus = ? AND rule = ?`, bus, rule).Scan(&n); err != nil {
			return fmt.Errorf("count targets of rule %s/%s: %w", bus, rule, err)
		}
		if n > gofaas.MaxTargetsPerRule {
			return gofaas.TypedErrorf(gofaas.ETOOLARGE, "LimitExceededException",
				"The requested resource exceeds the maximum number allowed.")
		}
		return nil
	})
}

// RemoveTargets implements gofaas.RuleStore.
func (s *RuleStore) RemoveTargets(ctx context.Context, bus, rule string, ids []string) ([]string, error) {
	var missing []string
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := ruleExists(ctx, tx, bus, rule); err != nil {
			return err
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `DELETE FROM event_targets WHERE bus = ? AND rule = ? AND id = ?`, bus, rule, id)
			if err != nil {
				return fmt.Errorf("remove target %s of rule %s/%s: %w", id, bus, rule, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				missing = append(missing, id)
			}
		}
		return nil
	})
	return missing, err
}

// ListTargets implements gofaas.RuleStore.
func (s *RuleStore) ListTargets(ctx context.Context, bus, rule string) ([]*gofaas.Target, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	if err := ruleExists(ctx, rd, bus, rule); err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT id, arn, config FROM event_targets WHERE bus = ? AND rule = ? ORDER BY id`, bus, rule)
	if err != nil {
		return nil, fmt.Errorf("list targets of rule %s/%s: %w", bus, rule, err)
	}
	defer rows.Close()
	var out []*gofaas.Target
	for rows.Next() {
		var t gofaas.Target
		var raw string
		if err := rows.Scan(&t.Id, &t.Arn, &raw); err != nil {
			return nil, fmt.Errorf("list targets of rule %s/%s: %w", bus, rule, err)
		}
		var cfg targetConfig
		if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
			return nil, fmt.Errorf("decode target %s: %w", t.Id, err)
		}
		t.RoleArn, t.Input, t.InputPath = cfg.RoleArn, cfg.Input, cfg.InputPath
		t.InputTransformer, t.RetryPolicy, t.DeadLetterConfig = cfg.InputTransformer, cfg.RetryPolicy, cfg.DeadLetterConfig
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list targets of rule %s/%s: %w", bus, rule, err)
	}
	return out, nil
}

// RuleNamesByTarget implements gofaas.RuleStore.
func (s *RuleStore) RuleNamesByTarget(ctx context.Context, bus, targetArn string) ([]string, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	if err := busExists(ctx, rd, bus); err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT DISTINCT rule FROM event_targets WHERE bus = ? AND arn = ? ORDER BY rule`, bus, targetArn)
	if err != nil {
		return nil, fmt.Errorf("list rules by target: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("list rules by target: %w", err)
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// ScheduledRules implements gofaas.RuleStore.
func (s *RuleStore) ScheduledRules(ctx context.Context) ([]*gofaas.Rule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return queryRules(ctx, rd, `WHERE state = ? AND schedule <> '' ORDER BY bus, name`, gofaas.RuleEnabled)
}

// PatternRules implements gofaas.RuleStore.
func (s *RuleStore) PatternRules(ctx context.Context, bus string) ([]*gofaas.Rule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return queryRules(ctx, rd, `WHERE bus = ? AND state = ? AND pattern <> '' ORDER BY name`, bus, gofaas.RuleEnabled)
}

// PlanFiring implements gofaas.RuleStore.
func (s *RuleStore) PlanFiring(ctx context.Context, bus, name string, old, next time.Time) (bool, error) {
	var ok bool
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE event_rules SET next_fire_ns = ?
			WHERE bus = ? AND name = ? AND state = ? AND schedule <> '' AND next_fire_ns = ?`,
			toNS(next), bus, name, gofaas.RuleEnabled, toNS(old))
		if err != nil {
			return fmt.Errorf("plan rule %s/%s: %w", bus, name, err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// RecordFiring implements gofaas.RuleStore.
func (s *RuleStore) RecordFiring(ctx context.Context, bus, name string, scheduled, next time.Time) (bool, error) {
	var ok bool
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE event_rules SET next_fire_ns = ?
			WHERE bus = ? AND name = ? AND state = ? AND schedule <> '' AND next_fire_ns = ?`,
			toNS(next), bus, name, gofaas.RuleEnabled, toNS(scheduled))
		if err != nil {
			return fmt.Errorf("advance rule %s/%s: %w", bus, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO event_firings (bus, rule, scheduled_ns, recorded_ns) VALUES (?, ?, ?, ?)
			ON CONFLICT (bus, rule, scheduled_ns) DO NOTHING`, bus, name, toNS(scheduled), s.db.now().UnixNano())
		if err != nil {
			return fmt.Errorf("record firing of rule %s/%s: %w", bus, name, err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// Firings implements gofaas.RuleStore.
func (s *RuleStore) Firings(ctx context.Context, bus, name string) ([]*gofaas.Firing, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT scheduled_ns, recorded_ns FROM event_firings WHERE bus = ? AND rule = ? ORDER BY scheduled_ns`, bus, name)
	if err != nil {
		return nil, fmt.Errorf("list firings of rule %s/%s: %w", bus, name, err)
	}
	defer rows.Close()
	var out []*gofaas.Firing
	for rows.Next() {
		var sched, rec int64
		if err := rows.Scan(&sched, &rec); err != nil {
			return nil, fmt.Errorf("list firings of rule %s/%s: %w", bus, name, err)
		}
		out = append(out, &gofaas.Firing{EventBusName: bus, Rule: name, Scheduled: fromNS(sched), Recorded: fromNS(rec)})
	}
	return out, rows.Err()
}
