package eventsapi

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/eventpattern"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/google/uuid"
)

// PutEvents puts events on buses and hands them to the scheduler, which
// delivers them to the rules whose patterns match. Invalid entries are
// reported per entry.
func (h *Handler) PutEvents(ctx context.Context, in *PutEventsInput) (*PutEventsOutput, error) {
	if len(in.Entries) == 0 {
		return nil, invalidf("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(in.Entries) > gofaas.MaxPutEvents {
		return nil, invalidf("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to %d", gofaas.MaxPutEvents)
	}
	size := 0
	for _, e := range in.Entries {
		size += entrySize(&e)
	}
	if size > gofaas.MaxPutEventsSize {
		return nil, invalidf("Total size of the entries in the request is over the limit.")
	}
	region, account := h.region(ctx), h.account(ctx)
	out := &PutEventsOutput{Entries: make([]PutEventsResultEntry, len(in.Entries))}
	byBus := map[string][][]byte{}
	var order []string
	for i, e := range in.Entries {
		code, msg := checkEntry(&e)
		bus := busName(e.EventBusName)
		if code == "" {
			if _, err := h.Store.GetEventBus(ctx, bus); err != nil {
				if gofaas.ErrorCode(err) != gofaas.ENOTFOUND {
					return nil, err
				}
				code, msg = "NotFoundException", "Event bus "+bus+" does not exist."
			}
		}
		if code != "" {
			out.Entries[i] = PutEventsResultEntry{ErrorCode: code, ErrorMessage: msg}
			out.FailedEntryCount++
			continue
		}
		id := uuid.NewString()
		t := h.now()
		if e.Time != nil {
			sec, frac := math.Modf(*e.Time)
			t = time.Unix(int64(sec), int64(frac*1e9))
		}
		ev := rules.NewEvent(id, account, region, *e.Source, *e.DetailType, json.RawMessage(*e.Detail), e.Resources, t)
		if _, ok := byBus[bus]; !ok {
			order = append(order, bus)
		}
		byBus[bus] = append(byBus[bus], ev)
		out.Entries[i] = PutEventsResultEntry{EventId: id}
	}
	if h.Scheduler != nil {
		for _, bus := range order {
			if err := h.Scheduler.Dispatch(ctx, bus, byBus[bus]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// entrySize is an entry's size as EventBridge counts it.
func entrySize(e *PutEventsRequestEntry) int {
	n := 0
	if e.Time != nil {
		n += 14
	}
	for _, s := range []*string{e.Source, e.DetailType, e.Detail} {
		if s != nil {
			n += len(*s)
		}
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// checkEntry returns the error code and message of an invalid entry.
func checkEntry(e *PutEventsRequestEntry) (string, string) {
	switch {
	case e.Source == nil || *e.Source == "":
		return "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."
	case e.DetailType == nil || *e.DetailType == "":
		return "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	case e.Detail == nil || *e.Detail == "":
		return "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*e.Detail), &obj); err != nil || obj == nil {
		return "MalformedDetail", "Detail is malformed."
	}
	return "", ""
}

// TestEventPattern reports whether an event matches a pattern.
func (h *Handler) TestEventPattern(ctx context.Context, in *TestEventPatternInput) (*TestEventPatternOutput, error) {
	ok, err := eventpattern.TestEventPattern(in.EventPattern, in.Event)
	if err != nil {
		return nil, err
	}
	return &TestEventPatternOutput{Result: ok}, nil
}
