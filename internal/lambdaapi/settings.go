package lambdaapi

import "net/http"

func (h *Handler) getAccountSettings(w http.ResponseWriter, r *http.Request) {
	s, err := h.Functions.GetAccountSettings(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, &GetAccountSettingsResponse{
		AccountLimit: AccountLimit{
			TotalCodeSize:                  s.Limit.TotalCodeSize,
			CodeSizeUnzipped:               s.Limit.CodeSizeUnzipped,
			CodeSizeZipped:                 s.Limit.CodeSizeZipped,
			ConcurrentExecutions:           s.Limit.ConcurrentExecutions,
			UnreservedConcurrentExecutions: s.Limit.UnreservedConcurrentExecutions,
		},
		AccountUsage: AccountUsage{
			TotalCodeSize: s.Usage.TotalCodeSize,
			FunctionCount: s.Usage.FunctionCount,
		},
	})
}
