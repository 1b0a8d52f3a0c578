package logsapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/gofaas/gofaas"
)

// CreateLogGroup creates a log group.
func (h *Handler) CreateLogGroup(ctx context.Context, in *CreateLogGroupInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	c.str("kmsKeyId", &in.KmsKeyID, false, 0, 256, nil, "")
	if in.Tags != nil {
		c.tags("tags", in.Tags, false)
	}
	if in.LogGroupClass != "" && !slices.Contains([]string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}, in.LogGroupClass) {
		c.fail(in.LogGroupClass, "logGroupClass", "satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.CreateLogGroup(ctx, &gofaas.LogGroup{Name: in.LogGroupName, Tags: in.Tags}); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// DeleteLogGroup deletes a log group with its streams and events.
func (h *Handler) DeleteLogGroup(ctx context.Context, in *DeleteLogGroupInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.DeleteLogGroup(ctx, in.LogGroupName); err != nil {
		return nil, err
	}
	if h.OnDeleteLogGroup != nil {
		h.OnDeleteLogGroup(in.LogGroupName)
	}
	return &Empty{}, nil
}

// DescribeLogGroups lists log groups by name, 50 a page at most.
func (h *Handler) DescribeLogGroups(ctx context.Context, in *DescribeLogGroupsInput) (*DescribeLogGroupsOutput, error) {
	var c checker
	c.groupName("logGroupNamePrefix", in.LogGroupNamePrefix, false)
	c.str("logGroupNamePattern", in.LogGroupNamePattern, false, 0, 512, groupPatternRE, groupPatternText)
	c.str("nextToken", in.NextToken, false, 1, 0, nil, "")
	c.intRange("limit", in.Limit, 1, 50)
	if err := c.err(); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidf("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	q := gofaas.LogGroupQuery{Limit: limit + 1}
	if in.LogGroupNamePrefix != nil {
		q.Prefix = *in.LogGroupNamePrefix
	}
	if in.LogGroupNamePattern != nil {
		q.Pattern = *in.LogGroupNamePattern
	}
	if in.NextToken != nil {
		after, err := decodeNameToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		q.After = after
	}
	groups, err := h.Store.ListLogGroups(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &DescribeLogGroupsOutput{LogGroups: []LogGroup{}}
	if len(groups) > limit {
		groups = groups[:limit]
		out.NextToken = encodeNameToken(groups[limit-1].Name)
	}
	for _, g := range groups {
		if in.LogGroupClass != "" && in.LogGroupClass != "STANDARD" {
			continue
		}
		out.LogGroups = append(out.LogGroups, LogGroup{
			LogGroupName:    g.Name,
			CreationTime:    g.Created.UnixMilli(),
			RetentionInDays: g.RetentionDays,
			Arn:             groupARN(ctx, g.Name),
			StoredBytes:     g.StoredBytes,
			LogGroupClass:   "STANDARD",
			LogGroupArn:     groupARNNoStar(ctx, g.Name),
		})
	}
	return out, nil
}

// Name tokens page by the last name listed.
func encodeNameToken(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n/" + name))
}

func decodeNameToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if name, ok := strings.CutPrefix(string(b), "n/"); err == nil && ok {
		return name, nil
	}
	return "", errBadToken()
}

func errBadToken() error {
	return invalidf("The specified nextToken is invalid.")
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// PutRetentionPolicy sets how many days a group keeps its events.
func (h *Handler) PutRetentionPolicy(ctx context.Context, in *PutRetentionPolicyInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	if in.RetentionInDays == nil {
		c.fail("null", "retentionInDays", "not be null")
	} else if !slices.Contains(retentionDays, *in.RetentionInDays) {
		c.fail(fmt.Sprint(*in.RetentionInDays), "retentionInDays",
			"satisfy enum value set: "+strings.ReplaceAll(fmt.Sprint(retentionDays), " ", ", "))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.PutRetentionPolicy(ctx, in.LogGroupName, *in.RetentionInDays); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// DeleteRetentionPolicy makes a group keep its events for ever.
func (h *Handler) DeleteRetentionPolicy(ctx context.Context, in *DeleteRetentionPolicyInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.PutRetentionPolicy(ctx, in.LogGroupName, 0); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}
