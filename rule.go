package gofaas

import (
	"context"
	"time"
)

// EventBridge names and limits gofaas enforces, as AWS documents them.
const (
	DefaultEventBus   = "default"  // the bus every account has
	RuleEnabled       = "ENABLED"  // a rule's State when it fires
	RuleDisabled      = "DISABLED" // a rule's State when it does not
	MaxTargetsPerRule = 5
	MaxPutEvents      = 10        // entries in one PutEvents call
	MaxPutEventsSize  = 256 << 10 // bytes of one PutEvents call's entries
)

// EventBus is an EventBridge event bus. The "default" bus always exists.
type EventBus struct {
	Name         string
	Description  string
	Created      time.Time
	LastModified time.Time
	Tags         map[string]string
}

// Rule is an EventBridge rule: a schedule or an event pattern on a bus, and
// up to MaxTargetsPerRule targets.
type Rule struct {
	Name               string
	EventBusName       string // "default" unless a custom bus
	ScheduleExpression string // "cron(...)" or "rate(...)", or ""
	EventPattern       string // JSON, or ""
	State              string // RuleEnabled or RuleDisabled
	Description        string
	RoleArn            string
	// Arn is arn:aws:events:REGION:ACCT:rule/NAME, or rule/BUS/NAME on a
	// custom bus. The store keeps what the service layer set.
	Arn       string
	CreatedBy string // the account id
	Tags      map[string]string
	Created   time.Time
	// NextFire is when a scheduled, enabled rule fires next; the zero time
	// means the scheduler has not planned it yet. The store resets it to
	// zero whenever the schedule changes or the rule is enabled.
	NextFire time.Time
}

// InputTransformer rewrites an event for a target: InputPathsMap names
// JSONPaths of the event, InputTemplate inserts them as <name>.
type InputTransformer struct {
	InputPathsMap map[string]string
	InputTemplate string
}

// RetryPolicy bounds the retries of a failed delivery to a target.
type RetryPolicy struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
}

// DeadLetterConfig names the queue that receives undeliverable events.
type DeadLetterConfig struct {
	Arn string
}

// Target is where a rule sends its events; at most one of Input,
// InputPath and InputTransformer is set.
type Target struct {
	Id               string
	Arn              string
	RoleArn          string
	Input            string // a constant JSON document sent instead of the event
	InputPath        string // a JSONPath selecting part of the event
	InputTransformer *InputTransformer
	RetryPolicy      *RetryPolicy
	DeadLetterConfig *DeadLetterConfig
}

// Firing records one scheduled occurrence of a rule. The store records it
// in the transaction that advances the rule's NextFire, and never twice.
type Firing struct {
	EventBusName string
	Rule         string
	Scheduled    time.Time // the occurrence's scheduled time
	Recorded     time.Time // when the scheduler recorded it
}

// RuleStore persists event buses, rules, targets and firings. Methods
// return ENOTFOUND for a bus or rule that does not exist (the message
// names it as EventBridge does), ECONFLICT when creating something that
// exists, and EINVALID or ETOOLARGE (with the exception Type set) for
// requests the stored state refuses.
type RuleStore interface {
	// CreateEventBus creates a bus, setting Created and LastModified.
	CreateEventBus(ctx context.Context, b *EventBus) error
	// GetEventBus returns a bus; the default bus always exists.
	GetEventBus(ctx context.Context, name string) (*EventBus, error)
	// ListEventBuses returns buses (the default one included) whose names
	// start with prefix, ordered by name, after the name after, at most
	// limit (no limit if limit <= 0).
	ListEventBuses(ctx context.Context, prefix, after string, limit int) ([]*EventBus, error)
	// DeleteEventBus deletes a custom bus with its rules, targets and
	// firings. Deleting a bus that does not exist is not an error, as in
	// EventBridge; deleting the default bus is EINVALID.
	DeleteEventBus(ctx context.Context, name string) error

	// PutRule creates or updates a rule on an existing bus. On update it
	// keeps Tags, Created and CreatedBy; it resets NextFire to zero when
	// the schedule or state changes. It reports whether it created the
	// rule.
	PutRule(ctx context.Context, r *Rule) (created bool, err error)
	// GetRule returns a rule.
	GetRule(ctx context.Context, bus, name string) (*Rule, error)
	// ListRules returns a bus's rules whose names start with prefix,
	// ordered by name, after the name after, at most limit.
	ListRules(ctx context.Context, bus, prefix, after string, limit int) ([]*Rule, error)
	// SetRuleState enables or disables a rule; enabling resets NextFire.
	SetRuleState(ctx context.Context, bus, name, state string) error
	// DeleteRule deletes a rule and its firings. Unless force is set, a
	// rule with targets is refused with a ValidationException.
	DeleteRule(ctx context.Context, bus, name string, force bool) error
	// SetRuleTags adds tags to a rule (name != "") or a bus (name == "")
	// and removes the keys in remove.
	SetRuleTags(ctx context.Context, bus, name string, add map[string]string, remove []string) error

	// PutTargets adds or replaces targets of a rule by Id. It returns
	// ETOOLARGE (LimitExceededException) if the rule would have more than
	// MaxTargetsPerRule targets, storing none.
	PutTargets(ctx context.Context, bus, rule string, targets []*Target) error
	// RemoveTargets removes targets by Id and returns the Ids it did not
	// find.
	RemoveTargets(ctx context.Context, bus, rule string, ids []string) (missing []string, err error)
	// ListTargets returns a rule's targets ordered by Id.
	ListTargets(ctx context.Context, bus, rule string) ([]*Target, error)
	// RuleNamesByTarget returns, ordered, the names of a bus's rules that
	// have a target with the given ARN.
	RuleNamesByTarget(ctx context.Context, bus, targetArn string) ([]string, error)

	// ScheduledRules returns every enabled rule with a schedule expression,
	// on every bus.
	ScheduledRules(ctx context.Context) ([]*Rule, error)
	// PatternRules returns the enabled rules with an event pattern on a bus.
	PatternRules(ctx context.Context, bus string) ([]*Rule, error)
	// PlanFiring sets a rule's NextFire to next if it is still enabled,
	// scheduled and its NextFire is still old; it reports whether it did.
	PlanFiring(ctx context.Context, bus, name string, old, next time.Time) (bool, error)
	// RecordFiring, in one transaction, records the firing of a rule at
	// scheduled and advances its NextFire to next, provided the rule is
	// still enabled and its NextFire is still scheduled. It reports false
	// (and changes nothing) otherwise, or if that firing exists already.
	RecordFiring(ctx context.Context, bus, name string, scheduled, next time.Time) (bool, error)
	// Firings returns a rule's recorded firings, oldest first.
	Firings(ctx context.Context, bus, name string) ([]*Firing, error)
}
