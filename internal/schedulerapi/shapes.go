package schedulerapi

import (
	"math"
	"time"
)

// Wire shapes, named as botocore's scheduler/2021-06-30 names them.
// Timestamps are epoch seconds, as rest-json encodes them.

type flexibleTimeWindow struct {
	Mode                   string `json:"Mode"`
	MaximumWindowInMinutes *int   `json:"MaximumWindowInMinutes,omitempty"`
}

type retryPolicy struct {
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
}

type deadLetterConfig struct {
	Arn string `json:"Arn,omitempty"`
}

type target struct {
	Arn              string            `json:"Arn"`
	RoleArn          string            `json:"RoleArn"`
	Input            *string           `json:"Input,omitempty"`
	RetryPolicy      *retryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig,omitempty"`
}

// scheduleInput is CreateScheduleInput and UpdateScheduleInput.
type scheduleInput struct {
	ActionAfterCompletion      string              `json:"ActionAfterCompletion"`
	ClientToken                string              `json:"ClientToken"`
	Description                *string             `json:"Description"`
	EndDate                    *float64            `json:"EndDate"`
	FlexibleTimeWindow         *flexibleTimeWindow `json:"FlexibleTimeWindow"`
	GroupName                  string              `json:"GroupName"`
	KmsKeyArn                  string              `json:"KmsKeyArn"`
	ScheduleExpression         *string             `json:"ScheduleExpression"`
	ScheduleExpressionTimezone string              `json:"ScheduleExpressionTimezone"`
	StartDate                  *float64            `json:"StartDate"`
	State                      string              `json:"State"`
	Target                     *target             `json:"Target"`
}

type getScheduleOutput struct {
	ActionAfterCompletion      string             `json:"ActionAfterCompletion"`
	Arn                        string             `json:"Arn"`
	CreationDate               float64            `json:"CreationDate"`
	Description                string             `json:"Description,omitempty"`
	EndDate                    *float64           `json:"EndDate,omitempty"`
	FlexibleTimeWindow         flexibleTimeWindow `json:"FlexibleTimeWindow"`
	GroupName                  string             `json:"GroupName"`
	KmsKeyArn                  string             `json:"KmsKeyArn,omitempty"`
	LastModificationDate       float64            `json:"LastModificationDate"`
	Name                       string             `json:"Name"`
	ScheduleExpression         string             `json:"ScheduleExpression"`
	ScheduleExpressionTimezone string             `json:"ScheduleExpressionTimezone,omitempty"`
	StartDate                  *float64           `json:"StartDate,omitempty"`
	State                      string             `json:"State"`
	Target                     target             `json:"Target"`
}

type targetSummary struct {
	Arn string `json:"Arn"`
}

type scheduleSummary struct {
	Arn                  string        `json:"Arn"`
	CreationDate         float64       `json:"CreationDate"`
	GroupName            string        `json:"GroupName"`
	LastModificationDate float64       `json:"LastModificationDate"`
	Name                 string        `json:"Name"`
	State                string        `json:"State"`
	Target               targetSummary `json:"Target"`
}

type listSchedulesOutput struct {
	NextToken string            `json:"NextToken,omitempty"`
	Schedules []scheduleSummary `json:"Schedules"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type createScheduleGroupInput struct {
	ClientToken string `json:"ClientToken"`
	Tags        []tag  `json:"Tags"`
}

type scheduleGroupSummary struct {
	Arn                  string  `json:"Arn"`
	CreationDate         float64 `json:"CreationDate,omitempty"`
	LastModificationDate float64 `json:"LastModificationDate,omitempty"`
	Name                 string  `json:"Name"`
	State                string  `json:"State"`
}

type listScheduleGroupsOutput struct {
	NextToken      string                 `json:"NextToken,omitempty"`
	ScheduleGroups []scheduleGroupSummary `json:"ScheduleGroups"`
}

// epoch returns t as epoch seconds, with milliseconds.
func epoch(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

func epochPtr(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := epoch(t)
	return &v
}

// fromEpoch converts epoch seconds to a time.
func fromEpoch(v *float64) time.Time {
	if v == nil {
		return time.Time{}
	}
	sec, frac := math.Modf(*v)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()
}
