package eventsapi

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/eventpattern"
	"github.com/gofaas/gofaas/internal/schedule"
)

var nameRE = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

func checkName(member, v string) error {
	if !nameRE.MatchString(v) {
		return invalidf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", v, member)
	}
	return nil
}

// PutRule creates or updates a rule.
func (h *Handler) PutRule(ctx context.Context, in *PutRuleInput) (*PutRuleOutput, error) {
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	bus := busName(in.EventBusName)
	if in.ScheduleExpression == "" && in.EventPattern == "" {
		return nil, invalidf("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.ScheduleExpression != "" {
		if _, err := schedule.Parse(in.ScheduleExpression); err != nil {
			return nil, err
		}
		if bus != gofaas.DefaultEventBus {
			return nil, invalidf("ScheduleExpression is supported only on the default event bus.")
		}
	}
	if in.EventPattern != "" {
		if _, err := eventpattern.Compile(in.EventPattern); err != nil {
			return nil, patternError(err)
		}
	}
	switch in.State {
	case "":
		in.State = gofaas.RuleEnabled
	case gofaas.RuleEnabled, gofaas.RuleDisabled:
	default:
		return nil, invalidf("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", in.State)
	}
	r := &gofaas.Rule{
		Name: in.Name, EventBusName: bus, ScheduleExpression: in.ScheduleExpression, EventPattern: in.EventPattern,
		State: in.State, Description: in.Description, RoleArn: in.RoleArn, Arn: h.ruleARN(ctx, bus, in.Name),
		CreatedBy: h.account(ctx), Tags: tagMap(in.Tags),
	}
	if _, err := h.Store.PutRule(ctx, r); err != nil {
		return nil, err
	}
	h.changed()
	return &PutRuleOutput{RuleArn: r.Arn}, nil
}

// patternError turns a pattern compilation error into
// InvalidEventPatternException, keeping the pattern engine's message.
func patternError(err error) error {
	if gofaas.ErrorCode(err) == gofaas.EINVALID {
		msg := gofaas.ErrorMessage(err)
		return badPatternf("%s", msg)
	}
	return badPatternf("Event pattern is not valid. Reason: %s", err.Error())
}

// DescribeRule returns a rule.
func (h *Handler) DescribeRule(ctx context.Context, in *RuleRef) (*DescribeRuleOutput, error) {
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	r, err := h.Store.GetRule(ctx, busName(in.EventBusName), in.Name)
	if err != nil {
		return nil, err
	}
	return &DescribeRuleOutput{Name: r.Name, Arn: r.Arn, EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression,
		State: r.State, Description: r.Description, RoleArn: r.RoleArn, EventBusName: r.EventBusName, CreatedBy: r.CreatedBy}, nil
}

// ListRules lists a bus's rules by name.
func (h *Handler) ListRules(ctx context.Context, in *ListRulesInput) (*ListRulesOutput, error) {
	limit, err := pageLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != "" {
		if after, err = decodeToken(in.NextToken); err != nil {
			return nil, err
		}
	}
	rules, err := h.Store.ListRules(ctx, busName(in.EventBusName), in.NamePrefix, after, limit+1)
	if err != nil {
		return nil, err
	}
	out := &ListRulesOutput{Rules: []Rule{}}
	if len(rules) > limit {
		rules = rules[:limit]
		out.NextToken = encodeToken(rules[limit-1].Name)
	}
	for _, r := range rules {
		out.Rules = append(out.Rules, Rule{Name: r.Name, Arn: r.Arn, EventPattern: r.EventPattern, State: r.State,
			Description: r.Description, ScheduleExpression: r.ScheduleExpression, RoleArn: r.RoleArn, EventBusName: r.EventBusName})
	}
	return out, nil
}

// EnableRule enables a rule.
func (h *Handler) EnableRule(ctx context.Context, in *RuleRef) (*Empty, error) {
	return h.setState(ctx, in, gofaas.RuleEnabled)
}

// DisableRule disables a rule; a scheduled rule stops firing at once.
func (h *Handler) DisableRule(ctx context.Context, in *RuleRef) (*Empty, error) {
	return h.setState(ctx, in, gofaas.RuleDisabled)
}

func (h *Handler) setState(ctx context.Context, in *RuleRef, state string) (*Empty, error) {
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	if err := h.Store.SetRuleState(ctx, busName(in.EventBusName), in.Name, state); err != nil {
		return nil, err
	}
	h.changed()
	return &Empty{}, nil
}

// DeleteRule deletes a rule that has no targets (or any rule with Force).
func (h *Handler) DeleteRule(ctx context.Context, in *DeleteRuleInput) (*Empty, error) {
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	if err := h.Store.DeleteRule(ctx, busName(in.EventBusName), in.Name, in.Force); err != nil {
		return nil, err
	}
	h.changed()
	return &Empty{}, nil
}

// PutTargets adds or updates targets of a rule; invalid targets are
// reported per entry.
func (h *Handler) PutTargets(ctx context.Context, in *PutTargetsInput) (*TargetsOutput, error) {
	if err := checkName("rule", in.Rule); err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, invalidf("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	bus := busName(in.EventBusName)
	out := &TargetsOutput{FailedEntries: []FailedEntry{}}
	var good []*gofaas.Target
	for _, t := range in.Targets {
		if msg := checkTarget(&t); msg != "" {
			out.FailedEntries = append(out.FailedEntries, FailedEntry{TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: msg})
			continue
		}
		gt := &gofaas.Target{Id: t.Id, Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, InputPath: t.InputPath}
		if t.InputTransformer != nil {
			gt.InputTransformer = &gofaas.InputTransformer{InputPathsMap: t.InputTransformer.InputPathsMap, InputTemplate: *t.InputTransformer.InputTemplate}
		}
		if t.RetryPolicy != nil {
			gt.RetryPolicy = &gofaas.RetryPolicy{MaximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts, MaximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds}
		}
		if t.DeadLetterConfig != nil {
			gt.DeadLetterConfig = &gofaas.DeadLetterConfig{Arn: t.DeadLetterConfig.Arn}
		}
		good = append(good, gt)
	}
	if len(good) > 0 {
		if err := h.Store.PutTargets(ctx, bus, in.Rule, good); err != nil {
			return nil, err
		}
	}
	out.FailedEntryCount = len(out.FailedEntries)
	return out, nil
}

var targetIDRE = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

// checkTarget returns why a target is invalid, or "".
func checkTarget(t *Target) string {
	switch {
	case !targetIDRE.MatchString(t.Id):
		return "Parameter Id is not valid."
	case !strings.HasPrefix(t.Arn, "arn:"):
		return "Parameter " + t.Arn + " is not valid. Reason: Provided Arn is not in correct format."
	}
	n := 0
	for _, set := range []bool{t.Input != "", t.InputPath != "", t.InputTransformer != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "Only one of Input, InputPath, or InputTransformer must be provided."
	}
	if t.InputTransformer != nil && t.InputTransformer.InputTemplate == nil {
		return "Parameter InputTemplate is required."
	}
	if t.RetryPolicy != nil {
		if a := t.RetryPolicy.MaximumRetryAttempts; a != nil && (*a < 0 || *a > 185) {
			return "Parameter MaximumRetryAttempts is not valid."
		}
		if a := t.RetryPolicy.MaximumEventAgeInSeconds; a != nil && (*a < 60 || *a > 86400) {
			return "Parameter MaximumEventAgeInSeconds is not valid."
		}
	}
	return ""
}

// RemoveTargets removes targets of a rule; unknown ids are reported per
// entry.
func (h *Handler) RemoveTargets(ctx context.Context, in *RemoveTargetsInput) (*TargetsOutput, error) {
	if err := checkName("rule", in.Rule); err != nil {
		return nil, err
	}
	if len(in.Ids) == 0 || len(in.Ids) > 100 {
		return nil, invalidf("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100")
	}
	missing, err := h.Store.RemoveTargets(ctx, busName(in.EventBusName), in.Rule, in.Ids)
	if err != nil {
		return nil, err
	}
	out := &TargetsOutput{FailedEntries: []FailedEntry{}}
	for _, id := range missing {
		out.FailedEntries = append(out.FailedEntries, FailedEntry{TargetId: id, ErrorCode: "ResourceNotFoundException",
			ErrorMessage: "Target " + id + " does not exist on rule " + in.Rule + "."})
	}
	out.FailedEntryCount = len(out.FailedEntries)
	return out, nil
}

// ListTargetsByRule lists a rule's targets by Id.
func (h *Handler) ListTargetsByRule(ctx context.Context, in *ListTargetsByRuleInput) (*ListTargetsByRuleOutput, error) {
	if err := checkName("rule", in.Rule); err != nil {
		return nil, err
	}
	limit, err := pageLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	ts, err := h.Store.ListTargets(ctx, busName(in.EventBusName), in.Rule)
	if err != nil {
		return nil, err
	}
	ts, next, err := page(ts, func(t *gofaas.Target) string { return t.Id }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListTargetsByRuleOutput{Targets: []Target{}, NextToken: next}
	for _, t := range ts {
		wt := Target{Id: t.Id, Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, InputPath: t.InputPath}
		if it := t.InputTransformer; it != nil {
			tmpl := it.InputTemplate
			wt.InputTransformer = &InputTransformer{InputPathsMap: it.InputPathsMap, InputTemplate: &tmpl}
		}
		if rp := t.RetryPolicy; rp != nil {
			wt.RetryPolicy = &RetryPolicy{MaximumRetryAttempts: rp.MaximumRetryAttempts, MaximumEventAgeInSeconds: rp.MaximumEventAgeInSeconds}
		}
		if t.DeadLetterConfig != nil {
			wt.DeadLetterConfig = &DeadLetterConfig{Arn: t.DeadLetterConfig.Arn}
		}
		out.Targets = append(out.Targets, wt)
	}
	return out, nil
}

// ListRuleNamesByTarget lists the rules of a bus that target an ARN.
func (h *Handler) ListRuleNamesByTarget(ctx context.Context, in *ListRuleNamesByTargetInput) (*ListRuleNamesByTargetOutput, error) {
	if in.TargetArn == "" {
		return nil, invalidf("1 validation error detected: Value null at 'targetArn' failed to satisfy constraint: Member must not be null")
	}
	limit, err := pageLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	names, err := h.Store.RuleNamesByTarget(ctx, busName(in.EventBusName), in.TargetArn)
	if err != nil {
		return nil, err
	}
	names, next, err := page(names, func(s string) string { return s }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return &ListRuleNamesByTargetOutput{RuleNames: names, NextToken: next}, nil
}

// Tokens page by the last name listed.
func encodeToken(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n/" + name))
}

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if name, ok := strings.CutPrefix(string(b), "n/"); err == nil && ok {
		return name, nil
	}
	return "", invalidf("The nextToken provided is invalid.")
}

func tagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
