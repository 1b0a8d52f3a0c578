package lambdaapi

import (
	"net/http"

	"github.com/gofaas/gofaas/internal/functions"
)

func aliasInput(r *http.Request, req *AliasRequest, name string) *functions.AliasInput {
	in := &functions.AliasInput{
		FunctionName:    r.PathValue("FunctionName"),
		Name:            name,
		FunctionVersion: req.FunctionVersion,
		Description:     req.Description,
		RevisionID:      req.RevisionId,
	}
	if req.RoutingConfig != nil {
		in.RoutingConfig = req.RoutingConfig.AdditionalVersionWeights
		if in.RoutingConfig == nil {
			in.RoutingConfig = map[string]float64{}
		}
	}
	return in
}

func (h *Handler) createAlias(w http.ResponseWriter, r *http.Request) {
	var req AliasRequest
	if err := decode(r, "CreateAlias", &req); err != nil {
		writeError(w, err)
		return
	}
	a, err := h.Functions.CreateAlias(r.Context(), aliasInput(r, &req, req.Name))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, aliasConfiguration(r.Context(), a))
}

func (h *Handler) getAlias(w http.ResponseWriter, r *http.Request) {
	a, err := h.Functions.GetAlias(r.Context(), r.PathValue("FunctionName"), r.PathValue("Name"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, aliasConfiguration(r.Context(), a))
}

func (h *Handler) updateAlias(w http.ResponseWriter, r *http.Request) {
	var req AliasRequest
	if err := decode(r, "UpdateAlias", &req); err != nil {
		writeError(w, err)
		return
	}
	a, err := h.Functions.UpdateAlias(r.Context(), aliasInput(r, &req, r.PathValue("Name")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, aliasConfiguration(r.Context(), a))
}

func (h *Handler) deleteAlias(w http.ResponseWriter, r *http.Request) {
	if err := h.Functions.DeleteAlias(r.Context(), r.PathValue("FunctionName"), r.PathValue("Name")); err != nil {
		writeError(w, err)
		return
	}
	writeEmpty(w, http.StatusNoContent)
}

func (h *Handler) listAliases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max, err := maxItems(q.Get("MaxItems"))
	if err != nil {
		writeError(w, err)
		return
	}
	out, err := h.Functions.ListAliases(r.Context(), &functions.ListAliasesInput{
		FunctionName:    r.PathValue("FunctionName"),
		FunctionVersion: q.Get("FunctionVersion"),
		Marker:          q.Get("Marker"),
		MaxItems:        max,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &ListAliasesResponse{Aliases: []*AliasConfiguration{}, NextMarker: marker(out.NextMarker)}
	for _, a := range out.Aliases {
		resp.Aliases = append(resp.Aliases, aliasConfiguration(r.Context(), a))
	}
	writeJSON(w, http.StatusOK, resp)
}
