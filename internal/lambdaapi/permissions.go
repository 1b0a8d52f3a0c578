package lambdaapi

import (
	"net/http"

	"github.com/gofaas/gofaas/internal/functions"
)

// AddPermissionRequest is the body of AddPermission.
type AddPermissionRequest struct {
	StatementId         string
	Action              string
	Principal           string
	SourceArn           string
	SourceAccount       string
	EventSourceToken    string
	RevisionId          string
	PrincipalOrgID      string
	FunctionUrlAuthType string
}

// AddPermissionResponse is AddPermission's answer.
type AddPermissionResponse struct {
	Statement string
}

// GetPolicyResponse is GetPolicy's answer.
type GetPolicyResponse struct {
	Policy     string
	RevisionId string
}

func (h *Handler) addPermission(w http.ResponseWriter, r *http.Request) {
	var req AddPermissionRequest
	if err := decode(r, "AddPermission", &req); err != nil {
		writeError(w, err)
		return
	}
	st, err := h.Functions.AddPermission(r.Context(), &functions.AddPermissionInput{
		FunctionName:     r.PathValue("FunctionName"),
		Qualifier:        r.URL.Query().Get("Qualifier"),
		StatementID:      req.StatementId,
		Action:           req.Action,
		Principal:        req.Principal,
		SourceArn:        req.SourceArn,
		SourceAccount:    req.SourceAccount,
		EventSourceToken: req.EventSourceToken,
		PrincipalOrgID:   req.PrincipalOrgID,
		RevisionID:       req.RevisionId,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, AddPermissionResponse{Statement: st})
}

func (h *Handler) removePermission(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := h.Functions.RemovePermission(r.Context(), r.PathValue("FunctionName"), q.Get("Qualifier"), r.PathValue("StatementId"), q.Get("RevisionId")); err != nil {
		writeError(w, err)
		return
	}
	writeEmpty(w, http.StatusNoContent)
}

func (h *Handler) getPolicy(w http.ResponseWriter, r *http.Request) {
	doc, rev, err := h.Functions.GetPolicy(r.Context(), r.PathValue("FunctionName"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, GetPolicyResponse{Policy: doc, RevisionId: rev})
}
