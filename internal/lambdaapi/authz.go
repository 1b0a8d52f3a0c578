package lambdaapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
)

// Resource scopes of Lambda's IAM actions: what the action's resource ARN
// is built from.
const (
	scopeNone      = iota // the resource is "*" (ListFunctions, account settings)
	scopeFunction         // the function's unqualified ARN
	scopeQualified        // the function's ARN with ?Qualifier or the alias {Name}
	scopePublic           // no authorization: the route checks its own signature
	scopeInHandler        // the handler checks, once it has decoded the resource
)

// authorize wraps a handler with the IAM check of its action. It runs
// after the gateway authenticated the caller; without an Authorizer (unit
// tests) every request is allowed.
func (h *Handler) authorize(action string, scope int, next http.HandlerFunc) http.HandlerFunc {
	if scope == scopePublic || scope == scopeInHandler {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if h.Authorizer == nil {
			next(w, r)
			return
		}
		ctx := r.Context()
		req := &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx), Action: action, Resource: "*"}
		if scope != scopeNone {
			ref, ok := functions.ParseFunctionName(r.PathValue("FunctionName"))
			if !ok {
				// Let the operation answer the malformed name as Lambda does.
				next(w, r)
				return
			}
			q := ref.Qualifier
			if scope == scopeQualified {
				if v := r.URL.Query().Get("Qualifier"); v != "" {
					q = v
				}
				if v := r.PathValue("Name"); v != "" {
					q = v
				}
			} else {
				q = ""
			}
			req.Resource = functions.ARN(ctx, ref.Name, q)
			if action == "lambda:InvokeFunction" && h.Functions != nil {
				req.ResourcePolicy = h.Functions.PolicyDocument(ctx, ref.Name, q)
			}
		}
		if err := h.Authorizer.Authorize(ctx, req); err != nil {
			writeError(w, err)
			return
		}
		next(w, r)
	}
}

// check asks the Authorizer whether the caller may do action on resource.
func (h *Handler) check(r *http.Request, action, resource string) error {
	if h.Authorizer == nil {
		return nil
	}
	ctx := r.Context()
	return h.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx), Action: action, Resource: resource})
}

// checkPassRole checks lambda's own action on the function named in the
// body, then iam:PassRole on the execution role, as Lambda does.
func (h *Handler) checkPassRole(r *http.Request, role string) error {
	if role == "" {
		return nil
	}
	return h.check(r, "iam:PassRole", role)
}
