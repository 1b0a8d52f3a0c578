package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

// ScheduleStore implements gofaas.ScheduleStore: EventBridge Scheduler
// groups, schedules and firings. The default group has no row.
type ScheduleStore struct {
	db *DB
}

var _ gofaas.ScheduleStore = (*ScheduleStore)(nil)

// NewScheduleStore returns a ScheduleStore over an open db.
func NewScheduleStore(db *DB) *ScheduleStore { return &ScheduleStore{db: db} }

func errScheduleNotFound(name string) error {
	return gofaas.TypedErrorf(gofaas.ENOTFOUND, "ResourceNotFoundException", "Schedule %s does not exist.", name)
}

func errScheduleGroupNotFound(name string) error {
	return gofaas.TypedErrorf(gofaas.ENOTFOUND, "ResourceNotFoundException", "Schedule group %s does not exist.", name)
}

// groupExists returns ENOTFOUND unless the group exists.
func groupExists(ctx context.Context, q queryer, name string) error {
	if name == gofaas.DefaultScheduleGroup {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schedule_groups WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("find schedule group %s: %w", name, err)
	} else if n == 0 {
		return errScheduleGroupNotFound(name)
	}
	return nil
}

// CreateScheduleGroup implements gofaas.ScheduleStore.
func (s *ScheduleStore) CreateScheduleGroup(ctx context.Context, g *gofaas.ScheduleGroup) error {
	conflict := gofaas.TypedErrorf(gofaas.ECONFLICT, "ConflictException", "Schedule group %s already exists.", g.Name)
	if g.Name == gofaas.DefaultScheduleGroup {
		return conflict
	}
	tags, err := encodeTags(g.Tags)
	if err != nil {
		return err
	}
	now := s.db.now()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_groups (name, arn, created_ns, modified_ns, tags)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`, g.Name, g.Arn, now.UnixNano(), now.UnixNano(), tags)
		if err != nil {
			return fmt.Errorf("create schedule group %s: %w", g.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict
		}
		g.Created, g.LastModified = now, now
		return nil
	})
}

// GetScheduleGroup implements gofaas.ScheduleStore.
func (s *ScheduleStore) GetScheduleGroup(ctx context.Context, name string) (*gofaas.ScheduleGroup, error) {
	gs, err := s.listGroups(ctx, `WHERE name = ?`, name)
	if err != nil {
		return nil, err
	}
	if name == gofaas.DefaultScheduleGroup {
		return &gofaas.ScheduleGroup{Name: name}, nil
	}
	if len(gs) == 0 {
		return nil, errScheduleGroupNotFound(name)
	}
	return gs[0], nil
}

// ListScheduleGroups implements gofaas.ScheduleStore.
func (s *ScheduleStore) ListScheduleGroups(ctx context.Context, prefix, after string, limit int) ([]*gofaas.ScheduleGroup, error) {
	gs, err := s.listGroups(ctx, `ORDER BY name`)
	if err != nil {
		return nil, err
	}
	all := append([]*gofaas.ScheduleGroup{{Name: gofaas.DefaultScheduleGroup}}, gs...)
	var out []*gofaas.ScheduleGroup
	for _, g := range sortGroups(all) {
		if !strings.HasPrefix(g.Name, prefix) || (after != "" && g.Name <= after) {
			continue
		}
		out = append(out, g)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

func sortGroups(gs []*gofaas.ScheduleGroup) []*gofaas.ScheduleGroup {
	for i := 1; i < len(gs); i++ {
		for j := i; j > 0 && gs[j].Name < gs[j-1].Name; j-- {
			gs[j], gs[j-1] = gs[j-1], gs[j]
		}
	}
	return gs
}

func (s *ScheduleStore) listGroups(ctx context.Context, tail string, args ...any) ([]*gofaas.ScheduleGroup, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT name, arn, created_ns, modified_ns, tags FROM schedule_groups `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list schedule groups: %w", err)
	}
	defer rows.Close()
	var out []*gofaas.ScheduleGroup
	for rows.Next() {
		var g gofaas.ScheduleGroup
		var created, modified int64
		var tags string
		if err := rows.Scan(&g.Name, &g.Arn, &created, &modified, &tags); err != nil {
			return nil, fmt.Errorf("list schedule groups: %w", err)
		}
		g.Created, g.LastModified = fromNS(created), fromNS(modified)
		if g.Tags, err = decodeTags(tags); err != nil {
			return nil, err
		}
		out = append(out, &g)
	}
	return out, rows.Err()
}

// DeleteScheduleGroup implements gofaas.ScheduleStore.
func (s *ScheduleStore) DeleteScheduleGroup(ctx context.Context, name string) error {
	if name == gofaas.DefaultScheduleGroup {
		return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Cannot delete the default schedule group.")
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, name); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM schedule_firings WHERE grp = ?`,
			`DELETE FROM schedules WHERE grp = ?`,
			`DELETE FROM schedule_groups WHERE name = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, name); err != nil {
				return fmt.Errorf("delete schedule group %s: %w", name, err)
			}
		}
		return nil
	})
}

// targetJSON is how a schedule's target is stored.
type targetJSON struct {
	Arn              string                   `json:"arn"`
	RoleArn          string                   `json:"roleArn"`
	Input            string                   `json:"input,omitempty"`
	RetryPolicy      *gofaas.RetryPolicy      `json:"retryPolicy,omitempty"`
	DeadLetterConfig *gofaas.DeadLetterConfig `json:"deadLetterConfig,omitempty"`
}

const scheduleColumns = `grp, name, arn, expression, timezone, start_ns, end_ns, state, description,
	flex_mode, flex_minutes, target, after_action, kms_key_arn, created_ns, modified_ns, next_ns, fire_ns, completed`

func scanSchedule(sc scanner) (*gofaas.Schedule, error) {
	var sch gofaas.Schedule
	var start, end, created, modified, next, fire int64
	var target string
	var completed int
	if err := sc.Scan(&sch.GroupName, &sch.Name, &sch.Arn, &sch.ScheduleExpression, &sch.ScheduleExpressionTimezone,
		&start, &end, &sch.State, &sch.Description, &sch.FlexibleTimeWindow.Mode, &sch.FlexibleTimeWindow.MaximumWindowInMinutes,
		&target, &sch.ActionAfterCompletion, &sch.KmsKeyArn, &created, &modified, &next, &fire, &completed); err != nil {
		return nil, err
	}
	var t targetJSON
	if err := json.Unmarshal([]byte(target), &t); err != nil {
		return nil, fmt.Errorf("decode target of schedule %s: %w", sch.Name, err)
	}
	sch.Target = gofaas.ScheduleTarget{Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig}
	sch.StartDate, sch.EndDate = fromNS(start), fromNS(end)
	sch.Created, sch.LastModified = fromNS(created), fromNS(modified)
	sch.NextFire, sch.FireAt, sch.Completed = fromNS(next), fromNS(fire), completed != 0
	return &sch, nil
}

func encodeTarget(t gofaas.ScheduleTarget) (string, error) {
	b, err := json.Marshal(targetJSON{Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig})
	if err != nil {
		return "", fmt.Errorf("encode schedule target: %w", err)
	}
	return string(b), nil
}

func querySchedules(ctx context.Context, q queryer, tail string, args ...any) ([]*gofaas.Schedule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+scheduleColumns+` FROM schedules `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	defer rows.Close()
	var out []*gofaas.Schedule
	for rows.Next() {
		sch, err := scanSchedule(rows)
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		out = append(out, sch)
	}
	return out, rows.Err()
}

// CreateSchedule implements gofaas.ScheduleStore.
func (s *ScheduleStore) CreateSchedule(ctx context.Context, sch *gofaas.Schedule) error {
	target, err := encodeTarget(sch.Target)
	if err != nil {
		return err
	}
	now := s.db.now()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, sch.GroupName); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO schedules (`+scheduleColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0) ON CONFLICT (grp, name) DO NOTHING`,
			sch.GroupName, sch.Name, sch.Arn, sch.ScheduleExpression, sch.ScheduleExpressionTimezone,
			toNS(sch.StartDate), toNS(sch.EndDate), sch.State, sch.Description,
			sch.FlexibleTimeWindow.Mode, sch.FlexibleTimeWindow.MaximumWindowInMinutes, target,
			sch.ActionAfterCompletion, sch.KmsKeyArn, now.UnixNano(), now.UnixNano())
		if err != nil {
			return fmt.Errorf("create schedule %s/%s: %w", sch.GroupName, sch.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gofaas.TypedErrorf(gofaas.ECONFLICT, "ConflictException", "Schedule %s already exists.", sch.Name)
		}
		sch.Created, sch.LastModified = now, now
		sch.NextFire, sch.FireAt, sch.Completed = time.Time{}, time.Time{}, false
		return nil
	})
}

// GetSchedule implements gofaas.ScheduleStore.
func (s *ScheduleStore) GetSchedule(ctx context.Context, group, name string) (*gofaas.Schedule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	out, err := querySchedules(ctx, rd, `WHERE grp = ? AND name = ?`, group, name)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		if err := groupExists(ctx, rd, group); err != nil {
			return nil, err
		}
		return nil, errScheduleNotFound(name)
	}
	return out[0], nil
}

// UpdateSchedule implements gofaas.ScheduleStore.
func (s *ScheduleStore) UpdateSchedule(ctx context.Context, sch *gofaas.Schedule) error {
	target, err := encodeTarget(sch.Target)
	if err != nil {
		return err
	}
	now := s.db.now()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE schedules SET expression = ?, timezone = ?, start_ns = ?, end_ns = ?,
			state = ?, description = ?, flex_mode = ?, flex_minutes = ?, target = ?, after_action = ?, kms_key_arn = ?,
			modified_ns = ?, next_ns = 0, fire_ns = 0, completed = 0 WHERE grp = ? AND name = ?`,
			sch.ScheduleExpression, sch.ScheduleExpressionTimezone, toNS(sch.StartDate), toNS(sch.EndDate),
			sch.State, sch.Description, sch.FlexibleTimeWindow.Mode, sch.FlexibleTimeWindow.MaximumWindowInMinutes,
			target, sch.ActionAfterCompletion, sch.KmsKeyArn, now.UnixNano(), sch.GroupName, sch.Name)
		if err != nil {
			return fmt.Errorf("update schedule %s/%s: %w", sch.GroupName, sch.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if err := groupExists(ctx, tx, sch.GroupName); err != nil {
				return err
			}
			return errScheduleNotFound(sch.Name)
		}
		cur, err := querySchedules(ctx, tx, `WHERE grp = ? AND name = ?`, sch.GroupName, sch.Name)
		if err != nil || len(cur) == 0 {
			return fmt.Errorf("reread schedule %s/%s: %w", sch.GroupName, sch.Name, err)
		}
		*sch = *cur[0]
		return nil
	})
}

// DeleteSchedule implements gofaas.ScheduleStore.
func (s *ScheduleStore) DeleteSchedule(ctx context.Context, group, name string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM schedules WHERE grp = ? AND name = ?`, group, name)
		if err != nil {
			return fmt.Errorf("delete schedule %s/%s: %w", group, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if err := groupExists(ctx, tx, group); err != nil {
				return err
			}
			return errScheduleNotFound(name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schedule_firings WHERE grp = ? AND name = ?`, group, name); err != nil {
			return fmt.Errorf("delete firings of schedule %s/%s: %w", group, name, err)
		}
		return nil
	})
}

// ListSchedules implements gofaas.ScheduleStore.
func (s *ScheduleStore) ListSchedules(ctx context.Context, group, prefix, state, afterGroup, afterName string, limit int) ([]*gofaas.Schedule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if group != "" {
		if err := groupExists(ctx, rd, group); err != nil {
			return nil, err
		}
		where, args = append(where, `grp = ?`), append(args, group)
	}
	if prefix != "" {
		where, args = append(where, `substr(name, 1, ?) = ?`), append(args, len(prefix), prefix)
	}
	if state != "" {
		where, args = append(where, `state = ?`), append(args, state)
	}
	if afterGroup != "" || afterName != "" {
		where, args = append(where, `(grp > ? OR (grp = ? AND name > ?))`), append(args, afterGroup, afterGroup, afterName)
	}
	tail := ""
	if len(where) > 0 {
		tail = `WHERE ` + strings.Join(where, ` AND `)
	}
	tail += ` ORDER BY grp, name`
	if limit > 0 {
		tail += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return querySchedules(ctx, rd, tail, args...)
}

// ActiveSchedules implements gofaas.ScheduleStore.
func (s *ScheduleStore) ActiveSchedules(ctx context.Context) ([]*gofaas.Schedule, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	return querySchedules(ctx, rd, `WHERE state = ? AND completed = 0`, gofaas.ScheduleEnabled)
}

// PlanSchedule implements gofaas.ScheduleStore.
func (s *ScheduleStore) PlanSchedule(ctx context.Context, group, name string, old, next, fireAt time.Time) (bool, error) {
	var ok bool
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE schedules SET next_ns = ?, fire_ns = ?, completed = ?
			WHERE grp = ? AND name = ? AND state = ? AND completed = 0 AND next_ns = ?`,
			toNS(next), toNS(fireAt), boolInt(next.IsZero()), group, name, gofaas.ScheduleEnabled, toNS(old))
		if err != nil {
			return fmt.Errorf("plan schedule %s/%s: %w", group, name, err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// RecordScheduleFiring implements gofaas.ScheduleStore.
func (s *ScheduleStore) RecordScheduleFiring(ctx context.Context, group, name string, scheduled, next, fireAt time.Time) (bool, error) {
	var ok bool
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_firings (grp, name, scheduled_ns, recorded_ns) VALUES (?, ?, ?, ?)
			ON CONFLICT (grp, name, scheduled_ns) DO NOTHING`, group, name, toNS(scheduled), s.db.now().UnixNano())
		if err != nil {
			return fmt.Errorf("record firing of schedule %s/%s: %w", group, name, err)
		}
		inserted, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE schedules SET next_ns = ?, fire_ns = ?, completed = ?
			WHERE grp = ? AND name = ? AND state = ? AND completed = 0 AND next_ns = ?`,
			toNS(next), toNS(fireAt), boolInt(next.IsZero()), group, name, gofaas.ScheduleEnabled, toNS(scheduled))
		if err != nil {
			return fmt.Errorf("advance schedule %s/%s: %w", group, name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoFiring // roll back the firing row
		}
		ok = inserted == 1
		if next.IsZero() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM schedules WHERE grp = ? AND name = ? AND after_action = ?`,
				group, name, gofaas.ActionAfterDelete); err != nil {
				return fmt.Errorf("delete completed schedule %s/%s: %w", group, name, err)
			}
		}
		return nil
	})
	if err == errNoFiring {
		return false, nil
	}
	return ok, err
}

// errNoFiring rolls back RecordScheduleFiring when the plan moved on.
var errNoFiring = gofaas.Errorf(gofaas.ECONFLICT, "the schedule's plan changed")

// ScheduleFirings implements gofaas.ScheduleStore.
func (s *ScheduleStore) ScheduleFirings(ctx context.Context, group, name string) ([]*gofaas.ScheduleFiring, error) {
	rd, err := s.db.reader()
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT scheduled_ns, recorded_ns FROM schedule_firings WHERE grp = ? AND name = ? ORDER BY scheduled_ns`, group, name)
	if err != nil {
		return nil, fmt.Errorf("list firings of schedule %s/%s: %w", group, name, err)
	}
	defer rows.Close()
	var out []*gofaas.ScheduleFiring
	for rows.Next() {
		var sched, rec int64
		if err := rows.Scan(&sched, &rec); err != nil {
			return nil, fmt.Errorf("list firings of schedule %s/%s: %w", group, name, err)
		}
		out = append(out, &gofaas.ScheduleFiring{GroupName: group, Name: name, Scheduled: fromNS(sched), Recorded: fromNS(rec)})
	}
	return out, rows.Err()
}
