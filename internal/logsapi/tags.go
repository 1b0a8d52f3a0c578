package logsapi

import (
	"context"
	"maps"

	"github.com/gofaas/gofaas"
)

// maxTags is how many tags a log group may carry.
const maxTags = 50

// TagLogGroup adds tags to a log group (the older tagging API).
func (h *Handler) TagLogGroup(ctx context.Context, in *TagLogGroupInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	c.tags("tags", in.Tags, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	return h.tag(ctx, in.LogGroupName, in.Tags, "InvalidParameterException")
}

// UntagLogGroup removes tags from a log group.
func (h *Handler) UntagLogGroup(ctx context.Context, in *UntagLogGroupInput) (*Empty, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	if in.Tags == nil {
		c.fail("null", "tags", "not be null")
	} else if len(in.Tags) == 0 {
		c.fail("[]", "tags", "have length greater than or equal to 1")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := h.Store.UntagLogGroup(ctx, in.LogGroupName, in.Tags); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsLogGroup returns a log group's tags.
func (h *Handler) ListTagsLogGroup(ctx context.Context, in *ListTagsLogGroupInput) (*TagsOutput, error) {
	var c checker
	c.groupName("logGroupName", &in.LogGroupName, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	return h.listTags(ctx, in.LogGroupName)
}

// TagResource adds tags to the log group resourceArn names.
func (h *Handler) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	var c checker
	c.str("resourceArn", &in.ResourceARN, true, 1, 1011, nil, "")
	c.tags("tags", in.Tags, true)
	if err := c.err(); err != nil {
		return nil, err
	}
	group, err := resourceGroup(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return h.tag(ctx, group, in.Tags, "TooManyTagsException")
}

// UntagResource removes tags from the log group resourceArn names.
func (h *Handler) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	var c checker
	c.str("resourceArn", &in.ResourceARN, true, 1, 1011, nil, "")
	if in.TagKeys == nil {
		c.fail("null", "tagKeys", "not be null")
	} else if len(in.TagKeys) > maxTags {
		c.fail("list", "tagKeys", "have length less than or equal to 50")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	group, err := resourceGroup(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := h.Store.UntagLogGroup(ctx, group, in.TagKeys); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsForResource returns the tags of the log group resourceArn names.
func (h *Handler) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*TagsOutput, error) {
	var c checker
	c.str("resourceArn", &in.ResourceARN, true, 1, 1011, nil, "")
	if err := c.err(); err != nil {
		return nil, err
	}
	group, err := resourceGroup(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return h.listTags(ctx, group)
}

// resourceGroup returns the log group a tagging ARN names. Only log
// groups carry tags here.
func resourceGroup(arn string) (string, error) {
	group, ok := groupFromARN(arn)
	if !ok {
		return "", invalidf("Invalid resourceArn: %s", arn)
	}
	return group, nil
}

// tag adds tags, refusing to go beyond maxTags with the exception typ.
func (h *Handler) tag(ctx context.Context, group string, tags map[string]string, typ string) (*Empty, error) {
	g, err := h.Store.GetLogGroup(ctx, group)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(g.Tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tags)
	if len(merged) > maxTags {
		return nil, gofaas.TypedErrorf(gofaas.EINVALID, typ, "A resource can have no more than 50 tags.")
	}
	if err := h.Store.TagLogGroup(ctx, group, tags); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

func (h *Handler) listTags(ctx context.Context, group string) (*TagsOutput, error) {
	g, err := h.Store.GetLogGroup(ctx, group)
	if err != nil {
		return nil, err
	}
	tags := g.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return &TagsOutput{Tags: tags}, nil
}
