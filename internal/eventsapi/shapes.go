package eventsapi

// Wire shapes, named and spelled as botocore's events/2015-10-07 model
// names them. Timestamps are epoch seconds.

type Empty struct{}

type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type PutRuleInput struct {
	Name               string `json:"Name"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	EventPattern       string `json:"EventPattern,omitempty"`
	State              string `json:"State,omitempty"`
	Description        string `json:"Description,omitempty"`
	RoleArn            string `json:"RoleArn,omitempty"`
	Tags               []Tag  `json:"Tags,omitempty"`
	EventBusName       string `json:"EventBusName,omitempty"`
}

type PutRuleOutput struct {
	RuleArn string `json:"RuleArn"`
}

type RuleRef struct {
	Name         string `json:"Name"`
	EventBusName string `json:"EventBusName,omitempty"`
}

type DeleteRuleInput struct {
	Name         string `json:"Name"`
	EventBusName string `json:"EventBusName,omitempty"`
	Force        bool   `json:"Force,omitempty"`
}

type DescribeRuleOutput struct {
	Name               string `json:"Name"`
	Arn                string `json:"Arn"`
	EventPattern       string `json:"EventPattern,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	State              string `json:"State"`
	Description        string `json:"Description,omitempty"`
	RoleArn            string `json:"RoleArn,omitempty"`
	EventBusName       string `json:"EventBusName"`
	CreatedBy          string `json:"CreatedBy,omitempty"`
}

type ListRulesInput struct {
	NamePrefix   string `json:"NamePrefix,omitempty"`
	EventBusName string `json:"EventBusName,omitempty"`
	NextToken    string `json:"NextToken,omitempty"`
	Limit        *int   `json:"Limit,omitempty"`
}

type Rule struct {
	Name               string `json:"Name"`
	Arn                string `json:"Arn"`
	EventPattern       string `json:"EventPattern,omitempty"`
	State              string `json:"State"`
	Description        string `json:"Description,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	RoleArn            string `json:"RoleArn,omitempty"`
	EventBusName       string `json:"EventBusName"`
}

type ListRulesOutput struct {
	Rules     []Rule `json:"Rules"`
	NextToken string `json:"NextToken,omitempty"`
}

type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate *string           `json:"InputTemplate"`
}

type RetryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

type DeadLetterConfig struct {
	Arn string `json:"Arn,omitempty"`
}

type Target struct {
	Id               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	RoleArn          string            `json:"RoleArn,omitempty"`
	Input            string            `json:"Input,omitempty"`
	InputPath        string            `json:"InputPath,omitempty"`
	InputTransformer *InputTransformer `json:"InputTransformer,omitempty"`
	RetryPolicy      *RetryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
}

type PutTargetsInput struct {
	Rule         string   `json:"Rule"`
	EventBusName string   `json:"EventBusName,omitempty"`
	Targets      []Target `json:"Targets"`
}

type FailedEntry struct {
	TargetId     string `json:"TargetId"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

type TargetsOutput struct {
	FailedEntryCount int           `json:"FailedEntryCount"`
	FailedEntries    []FailedEntry `json:"FailedEntries"`
}

type RemoveTargetsInput struct {
	Rule         string   `json:"Rule"`
	EventBusName string   `json:"EventBusName,omitempty"`
	Ids          []string `json:"Ids"`
	Force        bool     `json:"Force,omitempty"`
}

type ListTargetsByRuleInput struct {
	Rule         string `json:"Rule"`
	EventBusName string `json:"EventBusName,omitempty"`
	NextToken    string `json:"NextToken,omitempty"`
	Limit        *int   `json:"Limit,omitempty"`
}

type ListTargetsByRuleOutput struct {
	Targets   []Target `json:"Targets"`
	NextToken string   `json:"NextToken,omitempty"`
}

type ListRuleNamesByTargetInput struct {
	TargetArn    string `json:"TargetArn"`
	EventBusName string `json:"EventBusName,omitempty"`
	NextToken    string `json:"NextToken,omitempty"`
	Limit        *int   `json:"Limit,omitempty"`
}

type ListRuleNamesByTargetOutput struct {
	RuleNames []string `json:"RuleNames"`
	NextToken string   `json:"NextToken,omitempty"`
}

type PutEventsRequestEntry struct {
	Time         *float64 `json:"Time,omitempty"`
	Source       *string  `json:"Source,omitempty"`
	Resources    []string `json:"Resources,omitempty"`
	DetailType   *string  `json:"DetailType,omitempty"`
	Detail       *string  `json:"Detail,omitempty"`
	EventBusName string   `json:"EventBusName,omitempty"`
	TraceHeader  string   `json:"TraceHeader,omitempty"`
}

type PutEventsInput struct {
	Entries    []PutEventsRequestEntry `json:"Entries"`
	EndpointId string                  `json:"EndpointId,omitempty"`
}

type PutEventsResultEntry struct {
	EventId      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type PutEventsOutput struct {
	FailedEntryCount int                    `json:"FailedEntryCount"`
	Entries          []PutEventsResultEntry `json:"Entries"`
}

type TestEventPatternInput struct {
	EventPattern string `json:"EventPattern"`
	Event        string `json:"Event"`
}

type TestEventPatternOutput struct {
	Result bool `json:"Result"`
}

type CreateEventBusInput struct {
	Name            string `json:"Name"`
	EventSourceName string `json:"EventSourceName,omitempty"`
	Description     string `json:"Description,omitempty"`
	Tags            []Tag  `json:"Tags,omitempty"`
}

type CreateEventBusOutput struct {
	EventBusArn string `json:"EventBusArn"`
	Description string `json:"Description,omitempty"`
}

type NameInput struct {
	Name string `json:"Name,omitempty"`
}

type EventBus struct {
	Name             string  `json:"Name"`
	Arn              string  `json:"Arn"`
	Description      string  `json:"Description,omitempty"`
	CreationTime     float64 `json:"CreationTime,omitempty"`
	LastModifiedTime float64 `json:"LastModifiedTime,omitempty"`
}

type ListEventBusesInput struct {
	NamePrefix string `json:"NamePrefix,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
	Limit      *int   `json:"Limit,omitempty"`
}

type ListEventBusesOutput struct {
	EventBuses []EventBus `json:"EventBuses"`
	NextToken  string     `json:"NextToken,omitempty"`
}

type TagResourceInput struct {
	ResourceARN string `json:"ResourceARN"`
	Tags        []Tag  `json:"Tags"`
}

type UntagResourceInput struct {
	ResourceARN string   `json:"ResourceARN"`
	TagKeys     []string `json:"TagKeys"`
}

type ListTagsForResourceInput struct {
	ResourceARN string `json:"ResourceARN"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"Tags"`
}
