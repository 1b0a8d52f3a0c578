package gofaas

import (
	"context"
	"time"
)

// EventBridge Scheduler names and defaults, as AWS documents them.
const (
	DefaultScheduleGroup = "default" // the group every account has

	ScheduleEnabled  = "ENABLED"
	ScheduleDisabled = "DISABLED"

	FlexibleOff      = "OFF"
	FlexibleFlexible = "FLEXIBLE"

	ActionAfterNone   = "NONE"   // a completed schedule stays
	ActionAfterDelete = "DELETE" // a completed schedule is deleted
)

// ScheduleGroup is an EventBridge Scheduler schedule group. The "default"
// group always exists.
type ScheduleGroup struct {
	Name         string
	Arn          string // arn:aws:scheduler:REGION:ACCT:schedule-group/NAME
	Created      time.Time
	LastModified time.Time
	Tags         map[string]string
}

// FlexibleTimeWindow lets a schedule fire at any time within
// MaximumWindowInMinutes after each scheduled time (Mode FLEXIBLE), or
// exactly on time (Mode OFF).
type FlexibleTimeWindow struct {
	Mode                   string
	MaximumWindowInMinutes int // 1-1440 when Mode is FLEXIBLE, else 0
}

// ScheduleTarget is what a schedule invokes, with the role it assumes.
type ScheduleTarget struct {
	Arn     string
	RoleArn string
	// Input is sent to the target as is; "" means the default ("{}").
	Input            string
	RetryPolicy      *RetryPolicy
	DeadLetterConfig *DeadLetterConfig
}

// Schedule is an EventBridge Scheduler schedule.
type Schedule struct {
	Name      string
	GroupName string
	// Arn is arn:aws:scheduler:REGION:ACCT:schedule/GROUP/NAME; the store
	// keeps what the service layer set.
	Arn                        string
	ScheduleExpression         string // at(...), cron(...) or rate(...)
	ScheduleExpressionTimezone string // an IANA name; "" means UTC
	StartDate                  time.Time
	EndDate                    time.Time
	State                      string // ScheduleEnabled or ScheduleDisabled
	Description                string
	FlexibleTimeWindow         FlexibleTimeWindow
	Target                     ScheduleTarget
	ActionAfterCompletion      string // ActionAfterNone or ActionAfterDelete
	KmsKeyArn                  string // kept, not used
	Created                    time.Time
	LastModified               time.Time

	// NextFire is the next scheduled occurrence, and FireAt the instant
	// the runner invokes it (NextFire plus the flexible window's offset).
	// The zero NextFire means not planned yet; the store resets it when
	// the schedule is created or updated.
	NextFire time.Time
	FireAt   time.Time
	// Completed is set once a schedule has no occurrence left (an at()
	// that fired, or a schedule past its EndDate).
	Completed bool
}

// ScheduleFiring records one occurrence of a schedule, stored in the
// transaction that advances the schedule's plan, and never twice.
type ScheduleFiring struct {
	GroupName string
	Name      string
	Scheduled time.Time
	Recorded  time.Time
}

// ScheduleStore persists schedule groups, schedules and their firings.
// Methods return ENOTFOUND (ResourceNotFoundException, "Schedule NAME does
// not exist." or "Schedule group NAME does not exist.") and ECONFLICT
// (ConflictException) for duplicates.
type ScheduleStore interface {
	// CreateScheduleGroup creates a group, setting Created and
	// LastModified.
	CreateScheduleGroup(ctx context.Context, g *ScheduleGroup) error
	// GetScheduleGroup returns a group; the default group always exists
	// (its Arn is left empty for the service layer to fill).
	GetScheduleGroup(ctx context.Context, name string) (*ScheduleGroup, error)
	// ListScheduleGroups returns groups (default included) whose names
	// start with prefix, ordered by name, after the name after, at most
	// limit (no limit if limit <= 0).
	ListScheduleGroups(ctx context.Context, prefix, after string, limit int) ([]*ScheduleGroup, error)
	// DeleteScheduleGroup deletes a custom group with its schedules;
	// deleting the default group is EINVALID.
	DeleteScheduleGroup(ctx context.Context, name string) error

	// CreateSchedule creates a schedule in an existing group, setting
	// Created and LastModified.
	CreateSchedule(ctx context.Context, s *Schedule) error
	// GetSchedule returns a schedule.
	GetSchedule(ctx context.Context, group, name string) (*Schedule, error)
	// UpdateSchedule replaces a schedule's settings, keeping Created and
	// resetting its plan (NextFire, FireAt, Completed).
	UpdateSchedule(ctx context.Context, s *Schedule) error
	// DeleteSchedule deletes a schedule and its firings.
	DeleteSchedule(ctx context.Context, group, name string) error
	// ListSchedules returns the schedules of group (every group if "")
	// whose names start with prefix and whose State is state (any if ""),
	// ordered by group and name, after the (group, name) pair afterGroup,
	// afterName, at most limit.
	ListSchedules(ctx context.Context, group, prefix, state, afterGroup, afterName string, limit int) ([]*Schedule, error)

	// ActiveSchedules returns every enabled, not completed schedule.
	ActiveSchedules(ctx context.Context) ([]*Schedule, error)
	// PlanSchedule sets a schedule's NextFire and FireAt if it is still
	// enabled, not completed, and its NextFire is still old; a zero next
	// marks it Completed. It reports whether it did.
	PlanSchedule(ctx context.Context, group, name string, old, next, fireAt time.Time) (bool, error)
	// RecordScheduleFiring, in one transaction, records the firing of a
	// schedule at scheduled and advances its plan to next and fireAt,
	// provided it is still enabled and its NextFire is still scheduled. A
	// zero next completes the schedule, and deletes it if its
	// ActionAfterCompletion is DELETE. It reports false (and changes
	// nothing) otherwise, or if that firing exists already.
	RecordScheduleFiring(ctx context.Context, group, name string, scheduled, next, fireAt time.Time) (bool, error)
	// ScheduleFirings returns a schedule's recorded firings, oldest first.
	ScheduleFirings(ctx context.Context, group, name string) ([]*ScheduleFiring, error)
}
