package schedulerapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/schedule"
)

var (
	nameRE = regexp.MustCompile(`^[0-9a-zA-Z-_.]+$`)
	roleRE = regexp.MustCompile(`^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$`)
)

// AWS's retry policy when a target names none.
const (
	defaultMaxEventAge   = 86400
	defaultRetryAttempts = 185
)

// constraint is AWS's message for a member failing a model constraint.
func constraint(value, member, rule string) error {
	return validation(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, rule))
}

func checkName(value, member string) error {
	if len(value) < 1 || len(value) > 64 {
		return constraint(value, member, "Member must have length between 1 and 64")
	}
	if !nameRE.MatchString(value) {
		return constraint(value, member, "Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$")
	}
	return nil
}

// groupOf returns the group a request names, "default" if none.
func groupOf(g string) (string, error) {
	if g == "" {
		return gofaas.DefaultScheduleGroup, nil
	}
	return g, checkName(g, "groupName")
}

// scheduleFrom validates a Create or Update request and builds the
// schedule it describes.
func (h *Handler) scheduleFrom(ctx context.Context, name string, in *scheduleInput) (*gofaas.Schedule, error) {
	if err := checkName(name, "name"); err != nil {
		return nil, err
	}
	group, err := groupOf(in.GroupName)
	if err != nil {
		return nil, err
	}
	if in.ScheduleExpression == nil {
		return nil, validation("ScheduleExpression is required.")
	}
	if in.FlexibleTimeWindow == nil {
		return nil, validation("FlexibleTimeWindow is required.")
	}
	if in.Target == nil {
		return nil, validation("Target is required.")
	}
	expr := *in.ScheduleExpression
	if len(expr) < 1 || len(expr) > 256 {
		return nil, constraint(expr, "scheduleExpression", "Member must have length between 1 and 256")
	}
	if len(in.ScheduleExpressionTimezone) > 50 {
		return nil, constraint(in.ScheduleExpressionTimezone, "scheduleExpressionTimezone", "Member must have length less than or equal to 50")
	}
	if _, err := schedule.ParseScheduler(expr, in.ScheduleExpressionTimezone); err != nil {
		return nil, err
	}
	s := &gofaas.Schedule{
		Name: name, GroupName: group, Arn: h.ScheduleARN(ctx, group, name),
		ScheduleExpression: expr, ScheduleExpressionTimezone: in.ScheduleExpressionTimezone,
		StartDate: fromEpoch(in.StartDate), EndDate: fromEpoch(in.EndDate),
		State: in.State, ActionAfterCompletion: in.ActionAfterCompletion, KmsKeyArn: in.KmsKeyArn,
	}
	if in.Description != nil {
		if len(*in.Description) > 512 {
			return nil, constraint(*in.Description, "description", "Member must have length less than or equal to 512")
		}
		s.Description = *in.Description
	}
	switch s.State {
	case "":
		s.State = gofaas.ScheduleEnabled
	case gofaas.ScheduleEnabled, gofaas.ScheduleDisabled:
	default:
		return nil, constraint(s.State, "state", "Member must satisfy enum value set: [ENABLED, DISABLED]")
	}
	switch s.ActionAfterCompletion {
	case "":
		s.ActionAfterCompletion = gofaas.ActionAfterNone
	case gofaas.ActionAfterNone, gofaas.ActionAfterDelete:
	default:
		return nil, constraint(s.ActionAfterCompletion, "actionAfterCompletion", "Member must satisfy enum value set: [NONE, DELETE]")
	}
	ftw := in.FlexibleTimeWindow
	switch ftw.Mode {
	case gofaas.FlexibleOff:
		if ftw.MaximumWindowInMinutes != nil {
			return nil, validation("MaximumWindowInMinutes is not allowed when FlexibleTimeWindow mode is OFF.")
		}
	case gofaas.FlexibleFlexible:
		if ftw.MaximumWindowInMinutes == nil {
			return nil, validation("MaximumWindowInMinutes is required when FlexibleTimeWindow mode is FLEXIBLE.")
		}
		if m := *ftw.MaximumWindowInMinutes; m < 1 || m > 1440 {
			return nil, constraint(strconv.Itoa(m), "flexibleTimeWindow.maximumWindowInMinutes", "Member must have value between 1 and 1440")
		}
		s.FlexibleTimeWindow.MaximumWindowInMinutes = *ftw.MaximumWindowInMinutes
	default:
		return nil, constraint(ftw.Mode, "flexibleTimeWindow.mode", "Member must satisfy enum value set: [OFF, FLEXIBLE]")
	}
	s.FlexibleTimeWindow.Mode = ftw.Mode
	if !s.StartDate.IsZero() && !s.EndDate.IsZero() && !s.EndDate.After(s.StartDate) {
		return nil, validation("The EndDate you specify must be after the StartDate.")
	}
	if !s.EndDate.IsZero() && !s.EndDate.After(h.now()) {
		return nil, validation("The EndDate you specify cannot be earlier than the current time.")
	}
	if !s.StartDate.IsZero() && s.StartDate.Before(h.now().Add(-5*time.Minute)) {
		return nil, validation("The StartDate you specify cannot be earlier than 5 minutes prior to the current time.")
	}
	t := in.Target
	if len(t.Arn) < 1 || len(t.Arn) > 1600 {
		return nil, constraint(t.Arn, "target.arn", "Member must have length between 1 and 1600")
	}
	if !roleRE.MatchString(t.RoleArn) {
		return nil, constraint(t.RoleArn, "target.roleArn", `Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$`)
	}
	s.Target = gofaas.ScheduleTarget{Arn: t.Arn, RoleArn: t.RoleArn}
	if t.Input != nil {
		if *t.Input == "" {
			return nil, constraint("", "target.input", "Member must have length greater than or equal to 1")
		}
		s.Target.Input = *t.Input
	}
	age, attempts := defaultMaxEventAge, defaultRetryAttempts
	if rp := t.RetryPolicy; rp != nil {
		if v := rp.MaximumEventAgeInSeconds; v != nil {
			if *v < 60 || *v > 86400 {
				return nil, constraint(strconv.Itoa(*v), "target.retryPolicy.maximumEventAgeInSeconds", "Member must have value between 60 and 86400")
			}
			age = *v
		}
		if v := rp.MaximumRetryAttempts; v != nil {
			if *v < 0 || *v > 185 {
				return nil, constraint(strconv.Itoa(*v), "target.retryPolicy.maximumRetryAttempts", "Member must have value between 0 and 185")
			}
			attempts = *v
		}
	}
	s.Target.RetryPolicy = &gofaas.RetryPolicy{MaximumEventAgeInSeconds: &age, MaximumRetryAttempts: &attempts}
	if t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != "" {
		s.Target.DeadLetterConfig = &gofaas.DeadLetterConfig{Arn: t.DeadLetterConfig.Arn}
	}
	return s, nil
}

// CreateSchedule validates and stores a new schedule, then tells the
// runner.
func (h *Handler) CreateSchedule(ctx context.Context, s *gofaas.Schedule) error {
	if err := h.Store.CreateSchedule(ctx, s); err != nil {
		return err
	}
	h.changed()
	return nil
}

func (h *Handler) createSchedule(w http.ResponseWriter, r *http.Request) error {
	return h.putSchedule(w, r, true)
}

func (h *Handler) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	return h.putSchedule(w, r, false)
}

func (h *Handler) putSchedule(w http.ResponseWriter, r *http.Request, create bool) error {
	ctx := r.Context()
	var in scheduleInput
	if err := decode(r, &in); err != nil {
		return err
	}
	name := r.PathValue("Name")
	group, err := groupOf(in.GroupName)
	if err != nil {
		return err
	}
	if err := h.authorize(ctx, h.ScheduleARN(ctx, group, name)); err != nil {
		return err
	}
	s, err := h.scheduleFrom(ctx, name, &in)
	if err != nil {
		return err
	}
	if err := h.passRole(ctx, s.Target.RoleArn); err != nil {
		return err
	}
	if create {
		err = h.CreateSchedule(ctx, s)
	} else if err = h.Store.UpdateSchedule(ctx, s); err == nil {
		h.changed()
	}
	if err != nil {
		return err
	}
	awsproto.WriteJSON(w, http.StatusOK, map[string]string{"ScheduleArn": s.Arn})
	return nil
}

func (h *Handler) getSchedule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("Name")
	group, err := groupOf(r.URL.Query().Get("groupName"))
	if err != nil {
		return err
	}
	if err := h.authorize(ctx, h.ScheduleARN(ctx, group, name)); err != nil {
		return err
	}
	s, err := h.Store.GetSchedule(ctx, group, name)
	if err != nil {
		return err
	}
	out := getScheduleOutput{
		ActionAfterCompletion: s.ActionAfterCompletion, Arn: s.Arn, CreationDate: epoch(s.Created),
		Description: s.Description, EndDate: epochPtr(s.EndDate), GroupName: s.GroupName, KmsKeyArn: s.KmsKeyArn,
		LastModificationDate: epoch(s.LastModified), Name: s.Name, ScheduleExpression: s.ScheduleExpression,
		ScheduleExpressionTimezone: s.ScheduleExpressionTimezone, StartDate: epochPtr(s.StartDate), State: s.State,
		FlexibleTimeWindow: flexibleTimeWindow{Mode: s.FlexibleTimeWindow.Mode},
		Target:             target{Arn: s.Target.Arn, RoleArn: s.Target.RoleArn},
	}
	if s.FlexibleTimeWindow.Mode == gofaas.FlexibleFlexible {
		m := s.FlexibleTimeWindow.MaximumWindowInMinutes
		out.FlexibleTimeWindow.MaximumWindowInMinutes = &m
	}
	if s.Target.Input != "" {
		in := s.Target.Input
		out.Target.Input = &in
	}
	if rp := s.Target.RetryPolicy; rp != nil {
		out.Target.RetryPolicy = &retryPolicy{MaximumEventAgeInSeconds: rp.MaximumEventAgeInSeconds, MaximumRetryAttempts: rp.MaximumRetryAttempts}
	}
	if d := s.Target.DeadLetterConfig; d != nil {
		out.Target.DeadLetterConfig = &deadLetterConfig{Arn: d.Arn}
	}
	awsproto.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("Name")
	group, err := groupOf(r.URL.Query().Get("groupName"))
	if err != nil {
		return err
	}
	if err := h.authorize(ctx, h.ScheduleARN(ctx, group, name)); err != nil {
		return err
	}
	if err := h.Store.DeleteSchedule(ctx, group, name); err != nil {
		return err
	}
	h.changed()
	awsproto.WriteJSON(w, http.StatusOK, struct{}{})
	return nil
}

// pageSize reads MaxResults (1-100, default 100).
func pageSize(r *http.Request) (int, error) {
	v := r.URL.Query().Get("MaxResults")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, constraint(v, "maxResults", "Member must have value between 1 and 100")
	}
	return n, nil
}

// Page tokens carry the last key returned, opaque to callers.
func encodeToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

func decodeToken(tok string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	parts := strings.Split(string(b), "\x00")
	if err != nil || tok == "" || len(parts) != n {
		return nil, validation("Invalid NextToken.")
	}
	return parts, nil
}

func (h *Handler) listSchedules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	if err := h.authorize(ctx, "*"); err != nil {
		return err
	}
	limit, err := pageSize(r)
	if err != nil {
		return err
	}
	group, prefix, state := q.Get("ScheduleGroup"), q.Get("NamePrefix"), q.Get("State")
	if group != "" {
		if err := checkName(group, "groupName"); err != nil {
			return err
		}
	}
	if prefix != "" {
		if err := checkName(prefix, "namePrefix"); err != nil {
			return err
		}
	}
	if state != "" && state != gofaas.ScheduleEnabled && state != gofaas.ScheduleDisabled {
		return constraint(state, "state", "Member must satisfy enum value set: [ENABLED, DISABLED]")
	}
	var after []string = []string{"", ""}
	if tok := q.Get("NextToken"); tok != "" {
		if after, err = decodeToken(tok, 2); err != nil {
			return err
		}
	}
	list, err := h.Store.ListSchedules(ctx, group, prefix, state, after[0], after[1], limit+1)
	if err != nil {
		return err
	}
	out := listSchedulesOutput{Schedules: []scheduleSummary{}}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		out.NextToken = encodeToken(last.GroupName, last.Name)
	}
	for _, s := range list {
		out.Schedules = append(out.Schedules, scheduleSummary{
			Arn: s.Arn, CreationDate: epoch(s.Created), GroupName: s.GroupName, LastModificationDate: epoch(s.LastModified),
			Name: s.Name, State: s.State, Target: targetSummary{Arn: s.Target.Arn},
		})
	}
	awsproto.WriteJSON(w, http.StatusOK, out)
	return nil
}
