package lambdaapi

import (
	"net/http"
	"strconv"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
)

func (h *Handler) createFunction(w http.ResponseWriter, r *http.Request) {
	var req CreateFunctionRequest
	if err := decode(r, "CreateFunction", &req); err != nil {
		writeError(w, err)
		return
	}
	if ref, ok := functions.ParseFunctionName(req.FunctionName); ok {
		if err := h.check(r, "lambda:CreateFunction", functions.ARN(r.Context(), ref.Name, "")); err != nil {
			writeError(w, err)
			return
		}
		if err := h.checkPassRole(r, req.Role); err != nil {
			writeError(w, err)
			return
		}
	}
	in := &functions.CreateFunctionInput{
		FunctionName:  req.FunctionName,
		Runtime:       req.Runtime,
		Role:          req.Role,
		Handler:       req.Handler,
		Description:   req.Description,
		Timeout:       req.Timeout,
		MemorySize:    req.MemorySize,
		Publish:       req.Publish,
		PackageType:   req.PackageType,
		ZipFile:       req.Code.ZipFile,
		S3Bucket:      req.Code.S3Bucket,
		S3Key:         req.Code.S3Key,
		ImageURI:      req.Code.ImageUri,
		Architectures: req.Architectures,
	}
	if req.Environment != nil {
		in.Environment = &functions.Environment{Variables: req.Environment.Variables}
	}
	if req.EphemeralStorage != nil {
		in.EphemeralStorage = &req.EphemeralStorage.Size
	}
	fn, err := h.Functions.CreateFunction(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, configuration(r.Context(), fn, ""))
}

func (h *Handler) getFunction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	out, err := h.Functions.GetFunction(ctx, &functions.GetFunctionInput{
		FunctionName: r.PathValue("FunctionName"),
		Qualifier:    r.URL.Query().Get("Qualifier"),
	})
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &GetFunctionResponse{
		Configuration: configuration(ctx, out.Function, out.Qualifier),
		Code: &FunctionCodeLocation{
			RepositoryType: "S3",
			Location:       h.codeURL(r, out.Function.Name, out.Function.CodeSha256),
		},
	}
	if n := out.ReservedConcurrency; n >= 0 {
		resp.Concurrency = &Concurrency{ReservedConcurrentExecutions: &n}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *Handler) getFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	out, err := h.Functions.GetFunctionConfiguration(r.Context(), &functions.GetFunctionInput{
		FunctionName: r.PathValue("FunctionName"),
		Qualifier:    r.URL.Query().Get("Qualifier"),
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, configuration(r.Context(), out.Function, out.Qualifier))
}

func (h *Handler) listFunctions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max, err := maxItems(q.Get("MaxItems"))
	if err != nil {
		writeError(w, err)
		return
	}
	in := &functions.ListFunctionsInput{
		FunctionVersion: q.Get("FunctionVersion"),
		Marker:          q.Get("Marker"),
		MaxItems:        max,
	}
	out, err := h.Functions.ListFunctions(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	resp := &ListFunctionsResponse{Functions: []*FunctionConfiguration{}, NextMarker: marker(out.NextMarker)}
	for _, fn := range out.Functions {
		qualifier := ""
		if in.FunctionVersion == "ALL" {
			qualifier = fn.Version
		}
		resp.Functions = append(resp.Functions, configuration(r.Context(), fn, qualifier))
	}
	writeJSON(w, http.StatusOK, resp)
}

// maxItems parses a MaxItems query parameter.
func maxItems(s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be an integer", s)
	}
	return &n, nil
}

func (h *Handler) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	var req UpdateFunctionConfigurationRequest
	if err := decode(r, "UpdateFunctionConfiguration", &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Role != nil {
		if err := h.checkPassRole(r, *req.Role); err != nil {
			writeError(w, err)
			return
		}
	}
	in := &functions.UpdateFunctionConfigurationInput{
		FunctionName: r.PathValue("FunctionName"),
		Runtime:      req.Runtime,
		Role:         req.Role,
		Handler:      req.Handler,
		Description:  req.Description,
		Timeout:      req.Timeout,
		MemorySize:   req.MemorySize,
		RevisionID:   req.RevisionId,
	}
	if req.Environment != nil {
		in.Environment = &functions.Environment{Variables: req.Environment.Variables}
	}
	if req.EphemeralStorage != nil {
		in.EphemeralStorage = &req.EphemeralStorage.Size
	}
	fn, err := h.Functions.UpdateFunctionConfiguration(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, configuration(r.Context(), fn, ""))
}

func (h *Handler) updateFunctionCode(w http.ResponseWriter, r *http.Request) {
	var req UpdateFunctionCodeRequest
	if err := decode(r, "UpdateFunctionCode", &req); err != nil {
		writeError(w, err)
		return
	}
	fn, err := h.Functions.UpdateFunctionCode(r.Context(), &functions.UpdateFunctionCodeInput{
		FunctionName:  r.PathValue("FunctionName"),
		ZipFile:       req.ZipFile,
		S3Bucket:      req.S3Bucket,
		S3Key:         req.S3Key,
		ImageURI:      req.ImageUri,
		Publish:       req.Publish,
		DryRun:        req.DryRun,
		RevisionID:    req.RevisionId,
		Architectures: req.Architectures,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	qualifier := ""
	if req.Publish {
		qualifier = fn.Version
	}
	writeJSON(w, http.StatusOK, configuration(r.Context(), fn, qualifier))
}

func (h *Handler) deleteFunction(w http.ResponseWriter, r *http.Request) {
	err := h.Functions.DeleteFunction(r.Context(), &functions.GetFunctionInput{
		FunctionName: r.PathValue("FunctionName"),
		Qualifier:    r.URL.Query().Get("Qualifier"),
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeEmpty(w, http.StatusNoContent)
}
