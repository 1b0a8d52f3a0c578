package logsapi

// Wire shapes, named and spelled as botocore's logs/2014-03-28 model names
// them. Optional members are pointers or omitempty; times are Unix
// milliseconds.

type CreateLogGroupInput struct {
	LogGroupName  string            `json:"logGroupName"`
	KmsKeyID      string            `json:"kmsKeyId,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	LogGroupClass string            `json:"logGroupClass,omitempty"`
}

type DeleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

type DescribeLogGroupsInput struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix,omitempty"`
	LogGroupNamePattern *string `json:"logGroupNamePattern,omitempty"`
	NextToken           *string `json:"nextToken,omitempty"`
	Limit               *int    `json:"limit,omitempty"`
	LogGroupClass       string  `json:"logGroupClass,omitempty"`
}

type DescribeLogGroupsOutput struct {
	LogGroups []LogGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

type LogGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   int    `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
	LogGroupArn       string `json:"logGroupArn"`
}

type CreateLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

type DeleteLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

type DescribeLogStreamsInput struct {
	LogGroupName        string  `json:"logGroupName,omitempty"`
	LogGroupIdentifier  string  `json:"logGroupIdentifier,omitempty"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix,omitempty"`
	OrderBy             string  `json:"orderBy,omitempty"`
	Descending          bool    `json:"descending,omitempty"`
	NextToken           *string `json:"nextToken,omitempty"`
	Limit               *int    `json:"limit,omitempty"`
}

type DescribeLogStreamsOutput struct {
	LogStreams []LogStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

type LogStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type InputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type PutLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []InputLogEvent `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken,omitempty"`
}

type PutLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken,omitempty"`
	RejectedLogEventsInfo *RejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// RejectedLogEventsInfo gives the indexes of rejected events: those
// before TooOldLogEventEndIndex (exclusive) or ExpiredLogEventEndIndex,
// and those from TooNewLogEventStartIndex (inclusive) on.
type RejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type GetLogEventsInput struct {
	LogGroupName       string  `json:"logGroupName,omitempty"`
	LogGroupIdentifier string  `json:"logGroupIdentifier,omitempty"`
	LogStreamName      string  `json:"logStreamName"`
	StartTime          *int64  `json:"startTime,omitempty"`
	EndTime            *int64  `json:"endTime,omitempty"`
	NextToken          *string `json:"nextToken,omitempty"`
	Limit              *int    `json:"limit,omitempty"`
	StartFromHead      bool    `json:"startFromHead,omitempty"`
	Unmask             bool    `json:"unmask,omitempty"`
}

type GetLogEventsOutput struct {
	Events            []OutputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

type OutputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type FilterLogEventsInput struct {
	LogGroupName        string   `json:"logGroupName,omitempty"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier,omitempty"`
	LogStreamNames      []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix,omitempty"`
	StartTime           *int64   `json:"startTime,omitempty"`
	EndTime             *int64   `json:"endTime,omitempty"`
	FilterPattern       *string  `json:"filterPattern,omitempty"`
	NextToken           *string  `json:"nextToken,omitempty"`
	Limit               *int     `json:"limit,omitempty"`
	Interleaved         *bool    `json:"interleaved,omitempty"`
	Unmask              bool     `json:"unmask,omitempty"`
}

type FilterLogEventsOutput struct {
	Events             []FilteredLogEvent  `json:"events"`
	SearchedLogStreams []SearchedLogStream `json:"searchedLogStreams"`
	NextToken          string              `json:"nextToken,omitempty"`
}

type FilteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type SearchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type PutRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays *int   `json:"retentionInDays"`
}

type DeleteRetentionPolicyInput struct {
	LogGroupName string `json:"logGroupName"`
}

type TagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

type UntagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

type ListTagsLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

type TagsOutput struct {
	Tags map[string]string `json:"tags"`
}

type TagResourceInput struct {
	ResourceARN string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

type UntagResourceInput struct {
	ResourceARN string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type ListTagsForResourceInput struct {
	ResourceARN string `json:"resourceArn"`
}

// Empty is the output of operations that return nothing.
type Empty struct{}
