// Package eventsapi is EventBridge's JSON 1.1 API (botocore model
// events/2015-10-07) over a gofaas.RuleStore: POST / with
// X-Amz-Target: AWSEvents.<Operation>. Each operation is a typed method
// of Handler; ServeHTTP only decodes, asks the Authorizer, and encodes.
// Rule changes are reported to the Scheduler, and PutEvents hands its
// events to it for fan-out.
package eventsapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// Scheduler is what the API tells about rule changes and events: the
// rules.Runner.
type Scheduler interface {
	// Changed reports that rules changed.
	Changed()
	// Dispatch delivers events (full event documents) put on bus to the
	// matching rules.
	Dispatch(ctx context.Context, bus string, events [][]byte) error
}

// Handler serves the EventBridge API.
type Handler struct {
	Store gofaas.RuleStore
	// Scheduler, when set, is told about rule changes and receives
	// PutEvents' events.
	Scheduler Scheduler
	// Authorizer decides whether the caller may do each operation
	// ("events:<Operation>" on the rule's or bus's ARN, "*" for lists);
	// nil allows everything.
	Authorizer gofaas.Authorizer
	// Region and AccountID name resources when the request does not
	// (gofaas.RequestInfo wins).
	Region    string
	AccountID string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// targetPrefix prefixes X-Amz-Target.
const targetPrefix = "AWSEvents."

// Resource scopes of the IAM check.
const (
	scopeAll    = iota // "*"
	scopeRule          // the rule named by Name or Rule, on EventBusName
	scopeBus           // the bus named by Name (bus operations)
	scopeOnBus         // the bus named by EventBusName
	scopeARN           // the request's ResourceARN
	scopeEvents        // each bus PutEvents' entries name
)

// operations is the route table: X-Amz-Target operation → handler.
var operations = map[string]awsproto.JSONOperation[*Handler]{
	"PutRule":               awsproto.JSONMethod(scopeRule, (*Handler).PutRule),
	"DescribeRule":          awsproto.JSONMethod(scopeRule, (*Handler).DescribeRule),
	"ListRules":             awsproto.JSONMethod(scopeAll, (*Handler).ListRules),
	"EnableRule":            awsproto.JSONMethod(scopeRule, (*Handler).EnableRule),
	"DisableRule":           awsproto.JSONMethod(scopeRule, (*Handler).DisableRule),
	"DeleteRule":            awsproto.JSONMethod(scopeRule, (*Handler).DeleteRule),
	"PutTargets":            awsproto.JSONMethod(scopeRule, (*Handler).PutTargets),
	"RemoveTargets":         awsproto.JSONMethod(scopeRule, (*Handler).RemoveTargets),
	"ListTargetsByRule":     awsproto.JSONMethod(scopeRule, (*Handler).ListTargetsByRule),
	"ListRuleNamesByTarget": awsproto.JSONMethod(scopeAll, (*Handler).ListRuleNamesByTarget),
	"PutEvents":             awsproto.JSONMethod(scopeEvents, (*Handler).PutEvents),
	"TestEventPattern":      awsproto.JSONMethod(scopeAll, (*Handler).TestEventPattern),
	"CreateEventBus":        awsproto.JSONMethod(scopeBus, (*Handler).CreateEventBus),
	"DescribeEventBus":      awsproto.JSONMethod(scopeBus, (*Handler).DescribeEventBus),
	"ListEventBuses":        awsproto.JSONMethod(scopeAll, (*Handler).ListEventBuses),
	"DeleteEventBus":        awsproto.JSONMethod(scopeBus, (*Handler).DeleteEventBus),
	"TagResource":           awsproto.JSONMethod(scopeARN, (*Handler).TagResource),
	"UntagResource":         awsproto.JSONMethod(scopeARN, (*Handler).UntagResource),
	"ListTagsForResource":   awsproto.JSONMethod(scopeARN, (*Handler).ListTagsForResource),
}

// maxBody bounds a request body: a full PutEvents call with escaping.
const maxBody = 1 << 20

// service is the EventBridge wire protocol over Handler's operations.
var service = &awsproto.JSONService[*Handler]{
	TargetPrefix: targetPrefix,
	MaxBody:      maxBody,
	Operations:   operations,
	Authorize:    (*Handler).authorize,
	WriteError:   writeError,
	TooLarge:     invalidf("Request body too large"),
}

// ServeHTTP serves one EventBridge request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service.Serve(h, w, r)
}

// authorize asks the Authorizer about "events:<name>" on the resources
// the request names.
func (h *Handler) authorize(ctx context.Context, name string, scope int, body []byte) error {
	if h.Authorizer == nil {
		return nil
	}
	var ref struct {
		Name         string
		Rule         string
		EventBusName string
		ResourceARN  string
		Entries      []struct{ EventBusName string }
	}
	_ = json.Unmarshal(body, &ref)
	resources := []string{"*"}
	switch scope {
	case scopeRule:
		rule := ref.Name
		if rule == "" {
			rule = ref.Rule
		}
		resources[0] = h.ruleARN(ctx, busName(ref.EventBusName), rule)
	case scopeBus:
		resources[0] = h.busARN(ctx, busName(ref.Name))
	case scopeOnBus:
		resources[0] = h.busARN(ctx, busName(ref.EventBusName))
	case scopeARN:
		resources[0] = ref.ResourceARN
	case scopeEvents:
		resources = resources[:0]
		seen := map[string]bool{}
		for _, e := range ref.Entries {
			if a := h.busARN(ctx, busName(e.EventBusName)); !seen[a] {
				seen[a] = true
				resources = append(resources, a)
			}
		}
	}
	for _, res := range resources {
		if err := h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{
			Principal: gofaas.PrincipalFrom(ctx), Action: "events:" + name, Resource: res,
		}); err != nil {
			return err
		}
	}
	return nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// changed tells the scheduler that rules changed.
func (h *Handler) changed() {
	if h.Scheduler != nil {
		h.Scheduler.Changed()
	}
}

// region and account return the request's region and account.
func (h *Handler) region(ctx context.Context) string {
	if r := gofaas.RequestInfoFrom(ctx).Region; r != "" {
		return r
	}
	if h.Region != "" {
		return h.Region
	}
	return "us-east-1"
}

func (h *Handler) account(ctx context.Context) string {
	if a := gofaas.RequestInfoFrom(ctx).AccountID; a != "" {
		return a
	}
	if h.AccountID != "" {
		return h.AccountID
	}
	return "000000000000"
}

// RuleARN returns a rule's ARN: rule/NAME on the default bus,
// rule/BUS/NAME on a custom one.
func RuleARN(region, account, bus, name string) string {
	if bus == "" || bus == gofaas.DefaultEventBus {
		return "arn:aws:events:" + region + ":" + account + ":rule/" + name
	}
	return "arn:aws:events:" + region + ":" + account + ":rule/" + bus + "/" + name
}

func (h *Handler) ruleARN(ctx context.Context, bus, name string) string {
	return RuleARN(h.region(ctx), h.account(ctx), bus, name)
}

func (h *Handler) busARN(ctx context.Context, bus string) string {
	return "arn:aws:events:" + h.region(ctx) + ":" + h.account(ctx) + ":event-bus/" + bus
}

// busName returns the bus an EventBusName member names (a name or an
// ARN), "default" when empty.
func busName(s string) string {
	if s == "" {
		return gofaas.DefaultEventBus
	}
	if strings.HasPrefix(s, "arn:") {
		if _, after, ok := strings.Cut(s, ":event-bus/"); ok {
			return after
		}
	}
	return s
}

// pageLimit validates a Limit (1-100) and returns it, 100 by default.
func pageLimit(limit *int) (int, error) {
	if limit == nil {
		return 100, nil
	}
	if *limit < 1 || *limit > 100 {
		return 0, invalidf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *limit)
	}
	return *limit, nil
}

// page cuts names after token, at most limit, returning the next token.
func page[T any](items []T, key func(T) string, token string, limit int) ([]T, string, error) {
	start := 0
	if token != "" {
		after, err := decodeToken(token)
		if err != nil {
			return nil, "", err
		}
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	items = items[start:]
	if len(items) > limit {
		return items[:limit], encodeToken(key(items[limit-1])), nil
	}
	return items, "", nil
}
