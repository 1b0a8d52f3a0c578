package lambdaapi

import (
	"context"
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
)

func (h *Handler) putFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	h.putEventInvokeConfig(w, r, "PutFunctionEventInvokeConfig", h.Functions.PutFunctionEventInvokeConfig)
}

func (h *Handler) updateFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	h.putEventInvokeConfig(w, r, "UpdateFunctionEventInvokeConfig", h.Functions.UpdateFunctionEventInvokeConfig)
}

func (h *Handler) putEventInvokeConfig(w http.ResponseWriter, r *http.Request, op string, put func(context.Context, *functions.EventInvokeConfigInput) (*gofaas.EventInvokeConfig, error)) {
	var req EventInvokeConfigRequest
	if err := decode(r, op, &req); err != nil {
		writeError(w, err)
		return
	}
	in := &functions.EventInvokeConfigInput{
		FunctionName:             r.PathValue("FunctionName"),
		Qualifier:                r.URL.Query().Get("Qualifier"),
		MaximumRetryAttempts:     req.MaximumRetryAttempts,
		MaximumEventAgeInSeconds: req.MaximumEventAgeInSeconds,
	}
	if d := req.DestinationConfig; d != nil {
		empty := ""
		in.OnSuccess, in.OnFailure = &empty, &empty
		if d.OnSuccess != nil && d.OnSuccess.Destination != nil {
			in.OnSuccess = d.OnSuccess.Destination
		}
		if d.OnFailure != nil && d.OnFailure.Destination != nil {
			in.OnFailure = d.OnFailure.Destination
		}
	}
	c, err := put(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, eventInvokeConfig(r.Context(), c))
}

func (h *Handler) getFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	c, err := h.Functions.GetFunctionEventInvokeConfig(r.Context(), r.PathValue("FunctionName"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, eventInvokeConfig(r.Context(), c))
}

func (h *Handler) deleteFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	if err := h.Functions.DeleteFunctionEventInvokeConfig(r.Context(), r.PathValue("FunctionName"), r.URL.Query().Get("Qualifier")); err != nil {
		writeError(w, err)
		return
	}
	writeEmpty(w, http.StatusNoContent)
}

func (h *Handler) listFunctionEventInvokeConfigs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max, err := maxItems(q.Get("MaxItems"))
	if err != nil {
		writeError(w, err)
		return
	}
	out, err := h.Functions.ListFunctionEventInvokeConfigs(r.Context(), &functions.ListEventInvokeConfigsInput{
		FunctionName: r.PathValue("FunctionName"),
		Marker:       q.Get("Marker"),
		MaxItems:     max,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &ListFunctionEventInvokeConfigsResponse{FunctionEventInvokeConfigs: []*FunctionEventInvokeConfig{}, NextMarker: marker(out.NextMarker)}
	for _, c := range out.Configs {
		resp.FunctionEventInvokeConfigs = append(resp.FunctionEventInvokeConfigs, eventInvokeConfig(r.Context(), c))
	}
	writeJSON(w, http.StatusOK, resp)
}
