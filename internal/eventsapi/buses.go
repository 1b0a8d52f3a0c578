package eventsapi

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

var busNameRE = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)

// CreateEventBus creates a custom event bus.
func (h *Handler) CreateEventBus(ctx context.Context, in *CreateEventBusInput) (*CreateEventBusOutput, error) {
	if !busNameRE.MatchString(in.Name) {
		return nil, invalidf("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+", in.Name)
	}
	if strings.HasPrefix(in.Name, "aws.") && in.EventSourceName == "" {
		return nil, invalidf("Event bus name must not start with 'aws.'.")
	}
	b := &gofaas.EventBus{Name: in.Name, Description: in.Description, Tags: tagMap(in.Tags)}
	if err := h.Store.CreateEventBus(ctx, b); err != nil {
		return nil, err
	}
	return &CreateEventBusOutput{EventBusArn: h.busARN(ctx, b.Name), Description: b.Description}, nil
}

// DescribeEventBus returns a bus (the default one when Name is empty).
func (h *Handler) DescribeEventBus(ctx context.Context, in *NameInput) (*EventBus, error) {
	name := busName(in.Name)
	b, err := h.Store.GetEventBus(ctx, name)
	if err != nil {
		return nil, err
	}
	out := h.wireBus(ctx, b)
	return &out, nil
}

func (h *Handler) wireBus(ctx context.Context, b *gofaas.EventBus) EventBus {
	return EventBus{Name: b.Name, Arn: h.busARN(ctx, b.Name), Description: b.Description,
		CreationTime: epoch(b.Created), LastModifiedTime: epoch(b.LastModified)}
}

func epoch(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

// ListEventBuses lists buses by name.
func (h *Handler) ListEventBuses(ctx context.Context, in *ListEventBusesInput) (*ListEventBusesOutput, error) {
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
	buses, err := h.Store.ListEventBuses(ctx, in.NamePrefix, after, limit+1)
	if err != nil {
		return nil, err
	}
	out := &ListEventBusesOutput{EventBuses: []EventBus{}}
	if len(buses) > limit {
		buses = buses[:limit]
		out.NextToken = encodeToken(buses[limit-1].Name)
	}
	for _, b := range buses {
		out.EventBuses = append(out.EventBuses, h.wireBus(ctx, b))
	}
	return out, nil
}

// DeleteEventBus deletes a custom bus with its rules.
func (h *Handler) DeleteEventBus(ctx context.Context, in *NameInput) (*Empty, error) {
	if in.Name == "" {
		return nil, invalidf("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if err := h.Store.DeleteEventBus(ctx, busName(in.Name)); err != nil {
		return nil, err
	}
	h.changed()
	return &Empty{}, nil
}

// resourceOf returns the bus and rule ("" for a bus) an ARN names.
func resourceOf(arn string) (bus, rule string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "events" {
		res := parts[5]
		if name, ok := strings.CutPrefix(res, "event-bus/"); ok && name != "" {
			return name, "", nil
		}
		if r, ok := strings.CutPrefix(res, "rule/"); ok && r != "" {
			if b, n, ok := strings.Cut(r, "/"); ok {
				return b, n, nil
			}
			return gofaas.DefaultEventBus, r, nil
		}
	}
	return "", "", invalidf("Parameter ResourceARN is not valid.")
}

// TagResource adds tags to a rule or bus.
func (h *Handler) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	bus, rule, err := resourceOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := h.Store.SetRuleTags(ctx, bus, rule, tagMap(in.Tags), nil); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// UntagResource removes tags from a rule or bus.
func (h *Handler) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	bus, rule, err := resourceOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := h.Store.SetRuleTags(ctx, bus, rule, nil, in.TagKeys); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsForResource returns a rule's or bus's tags, ordered by key.
func (h *Handler) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	bus, rule, err := resourceOf(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var tags map[string]string
	if rule == "" {
		b, err := h.Store.GetEventBus(ctx, bus)
		if err != nil {
			return nil, err
		}
		tags = b.Tags
	} else {
		r, err := h.Store.GetRule(ctx, bus, rule)
		if err != nil {
			return nil, err
		}
		tags = r.Tags
	}
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	for _, k := range sortedKeys(tags) {
		out.Tags = append(out.Tags, Tag{Key: k, Value: tags[k]})
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
