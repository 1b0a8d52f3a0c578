package lambdaapi

import (
	"net/http"

	"github.com/gofaas/gofaas/internal/functions"
)

func (h *Handler) publishVersion(w http.ResponseWriter, r *http.Request) {
	var req PublishVersionRequest
	if err := decode(r, "PublishVersion", &req); err != nil {
		writeError(w, err)
		return
	}
	fn, err := h.Functions.PublishVersion(r.Context(), &functions.PublishVersionInput{
		FunctionName: r.PathValue("FunctionName"),
		CodeSha256:   req.CodeSha256,
		Description:  req.Description,
		RevisionID:   req.RevisionId,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, configuration(r.Context(), fn, fn.Version))
}

func (h *Handler) listVersionsByFunction(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max, err := maxItems(q.Get("MaxItems"))
	if err != nil {
		writeError(w, err)
		return
	}
	out, err := h.Functions.ListVersionsByFunction(r.Context(), &functions.ListVersionsInput{
		FunctionName: r.PathValue("FunctionName"),
		Marker:       q.Get("Marker"),
		MaxItems:     max,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &ListVersionsByFunctionResponse{Versions: []*FunctionConfiguration{}, NextMarker: marker(out.NextMarker)}
	for _, fn := range out.Versions {
		resp.Versions = append(resp.Versions, configuration(r.Context(), fn, fn.Version))
	}
	writeJSON(w, http.StatusOK, resp)
}
