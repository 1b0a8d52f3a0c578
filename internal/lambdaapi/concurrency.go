package lambdaapi

import (
	"net/http"
)

func (h *Handler) putFunctionConcurrency(w http.ResponseWriter, r *http.Request) {
	var req PutFunctionConcurrencyRequest
	if err := decode(r, "PutFunctionConcurrency", &req); err != nil {
		writeError(w, err)
		return
	}
	n, err := h.Functions.PutFunctionConcurrency(r.Context(), r.PathValue("FunctionName"), req.ReservedConcurrentExecutions)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, &Concurrency{ReservedConcurrentExecutions: &n})
}

func (h *Handler) getFunctionConcurrency(w http.ResponseWriter, r *http.Request) {
	n, err := h.Functions.GetFunctionConcurrency(r.Context(), r.PathValue("FunctionName"))
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &Concurrency{}
	if n >= 0 {
		resp.ReservedConcurrentExecutions = &n
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *Handler) deleteFunctionConcurrency(w http.ResponseWriter, r *http.Request) {
	if err := h.Functions.DeleteFunctionConcurrency(r.Context(), r.PathValue("FunctionName")); err != nil {
		writeError(w, err)
		return
	}
	writeEmpty(w, http.StatusNoContent)
}
