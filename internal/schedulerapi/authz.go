package schedulerapi

import (
	"context"

	"github.com/gofaas/gofaas"
)

type actionKey struct{}

func withAction(ctx context.Context, action string) context.Context {
	return context.WithValue(ctx, actionKey{}, action)
}

// authorize asks the Authorizer whether the caller may do the request's
// operation on resource (an ARN, or "*").
func (h *Handler) authorize(ctx context.Context, resource string) error {
	if h.Authorizer == nil {
		return nil
	}
	action, _ := ctx.Value(actionKey{}).(string)
	return h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx), Action: action, Resource: resource})
}

// passRole checks iam:PassRole on a target's role, as Scheduler does.
func (h *Handler) passRole(ctx context.Context, role string) error {
	if h.Authorizer == nil {
		return nil
	}
	return h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx), Action: "iam:PassRole", Resource: role})
}

func (h *Handler) region(ctx context.Context) string {
	if r := gofaas.RequestInfoFrom(ctx).Region; r != "" {
		return r
	}
	return h.Region
}

func (h *Handler) account(ctx context.Context) string {
	if a := gofaas.RequestInfoFrom(ctx).AccountID; a != "" {
		return a
	}
	return h.AccountID
}

// ScheduleARN is arn:aws:scheduler:REGION:ACCT:schedule/GROUP/NAME.
func (h *Handler) ScheduleARN(ctx context.Context, group, name string) string {
	return "arn:aws:scheduler:" + h.region(ctx) + ":" + h.account(ctx) + ":schedule/" + group + "/" + name
}

// GroupARN is arn:aws:scheduler:REGION:ACCT:schedule-group/NAME.
func (h *Handler) GroupARN(ctx context.Context, name string) string {
	return "arn:aws:scheduler:" + h.region(ctx) + ":" + h.account(ctx) + ":schedule-group/" + name
}
