// Package lambdaapi is Lambda's rest-json API (botocore model
// lambda/2015-03-31) over the typed methods of internal/functions and a
// gofaas.Invoker. It only decodes requests and encodes responses.
package lambdaapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/functions"
)

// Handler serves the Lambda API.
type Handler struct {
	Functions *functions.Service
	Invoker   gofaas.Invoker
	// CodeURLKey signs GetFunction's code download URLs; if empty, a
	// random key is made at first use (URLs then die with the process).
	CodeURLKey []byte
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Authorizer decides every operation's IAM action; nil allows all
	// (unit tests).
	Authorizer gofaas.Authorizer

	keyOnce sync.Once
	key     []byte
	muxOnce sync.Once
	mux     *http.ServeMux
}

// route is one operation: a ServeMux pattern (method and botocore's
// requestUri), its IAM action and resource, and its handler.
type route struct {
	pattern string
	action  string // the IAM action ("lambda:InvokeFunction")
	scope   int    // what the action's resource ARN is built from
	handler http.HandlerFunc
}

func (h *Handler) routes() []route {
	return []route{
		{"POST /2015-03-31/functions", "lambda:CreateFunction", scopeInHandler, h.createFunction},
		{"POST /2015-03-31/functions/{$}", "lambda:CreateFunction", scopeInHandler, h.createFunction},
		{"GET /2015-03-31/functions", "lambda:ListFunctions", scopeNone, h.listFunctions},
		{"GET /2015-03-31/functions/{$}", "lambda:ListFunctions", scopeNone, h.listFunctions},
		{"GET /2015-03-31/functions/{FunctionName}", "lambda:GetFunction", scopeQualified, h.getFunction},
		{"DELETE /2015-03-31/functions/{FunctionName}", "lambda:DeleteFunction", scopeQualified, h.deleteFunction},
		{"GET /2015-03-31/functions/{FunctionName}/configuration", "lambda:GetFunctionConfiguration", scopeQualified, h.getFunctionConfiguration},
		{"PUT /2015-03-31/functions/{FunctionName}/configuration", "lambda:UpdateFunctionConfiguration", scopeFunction, h.updateFunctionConfiguration},
		{"PUT /2015-03-31/functions/{FunctionName}/code", "lambda:UpdateFunctionCode", scopeFunction, h.updateFunctionCode},
		{"POST /2015-03-31/functions/{FunctionName}/invocations", "lambda:InvokeFunction", scopeQualified, h.invoke},
		{"POST /2014-11-13/functions/{FunctionName}/invoke-async", "lambda:InvokeAsync", scopeFunction, h.invokeAsync},
		{"POST /2014-11-13/functions/{FunctionName}/invoke-async/{$}", "lambda:InvokeAsync", scopeFunction, h.invokeAsync},
		{"POST /2015-03-31/functions/{FunctionName}/versions", "lambda:PublishVersion", scopeFunction, h.publishVersion},
		{"GET /2015-03-31/functions/{FunctionName}/versions", "lambda:ListVersionsByFunction", scopeFunction, h.listVersionsByFunction},
		{"POST /2015-03-31/functions/{FunctionName}/aliases", "lambda:CreateAlias", scopeFunction, h.createAlias},
		{"GET /2015-03-31/functions/{FunctionName}/aliases", "lambda:ListAliases", scopeFunction, h.listAliases},
		{"GET /2015-03-31/functions/{FunctionName}/aliases/{Name}", "lambda:GetAlias", scopeFunction, h.getAlias},
		{"PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}", "lambda:UpdateAlias", scopeFunction, h.updateAlias},
		{"DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}", "lambda:DeleteAlias", scopeFunction, h.deleteAlias},
		{"PUT /2017-10-31/functions/{FunctionName}/concurrency", "lambda:PutFunctionConcurrency", scopeFunction, h.putFunctionConcurrency},
		{"DELETE /2017-10-31/functions/{FunctionName}/concurrency", "lambda:DeleteFunctionConcurrency", scopeFunction, h.deleteFunctionConcurrency},
		{"GET /2019-09-30/functions/{FunctionName}/concurrency", "lambda:GetFunctionConcurrency", scopeFunction, h.getFunctionConcurrency},
		{"GET /2016-08-19/account-settings", "lambda:GetAccountSettings", scopeNone, h.getAccountSettings},
		{"GET /2016-08-19/account-settings/{$}", "lambda:GetAccountSettings", scopeNone, h.getAccountSettings},
		{"PUT /2019-09-25/functions/{FunctionName}/event-invoke-config", "lambda:PutFunctionEventInvokeConfig", scopeQualified, h.putFunctionEventInvokeConfig},
		{"POST /2019-09-25/functions/{FunctionName}/event-invoke-config", "lambda:UpdateFunctionEventInvokeConfig", scopeQualified, h.updateFunctionEventInvokeConfig},
		{"GET /2019-09-25/functions/{FunctionName}/event-invoke-config", "lambda:GetFunctionEventInvokeConfig", scopeQualified, h.getFunctionEventInvokeConfig},
		{"DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config", "lambda:DeleteFunctionEventInvokeConfig", scopeQualified, h.deleteFunctionEventInvokeConfig},
		{"GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list", "lambda:ListFunctionEventInvokeConfigs", scopeFunction, h.listFunctionEventInvokeConfigs},
		{"POST /2015-03-31/functions/{FunctionName}/policy", "lambda:AddPermission", scopeQualified, h.addPermission},
		{"GET /2015-03-31/functions/{FunctionName}/policy", "lambda:GetPolicy", scopeQualified, h.getPolicy},
		{"DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}", "lambda:RemovePermission", scopeQualified, h.removePermission},
		{"GET " + codePath + "{FunctionName}/{File}", "", scopePublic, h.getCode},
	}
}

// apiPrefixes are the path prefixes of Lambda's API versions; a request
// under one that matches no route is an unknown operation.
var apiPrefixes = []string{
	"/2014-11-13/", "/2015-03-31/", "/2016-08-19/", "/2017-03-31/", "/2017-10-31/",
	"/2018-10-31/", "/2019-09-25/", "/2019-09-30/", "/2020-04-22/", "/2020-06-30/",
	"/2021-07-20/", "/2021-10-31/", "/2021-11-15/", "/2024-08-31/", "/2025-11-30/",
	"/2025-12-01/", "/2026-07-09/", codePath,
}

// Routes registers every route of the Lambda API on mux, with catch-alls
// that answer unknown operations under Lambda's path prefixes.
func (h *Handler) Routes(mux *http.ServeMux) {
	for _, r := range h.routes() {
		mux.HandleFunc(r.pattern, h.authorize(r.action, r.scope, r.handler))
	}
	for _, p := range apiPrefixes {
		mux.HandleFunc(p, h.unknown)
	}
}

// ServeHTTP serves the Lambda API on a ServeMux of its own.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.muxOnce.Do(func() {
		h.mux = http.NewServeMux()
		h.Routes(h.mux)
		h.mux.HandleFunc("/", h.unknown)
	})
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) unknown(w http.ResponseWriter, r *http.Request) {
	writeError(w, errUnknownOperation())
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// maxRequestBody bounds control-plane request bodies: a 50 MB zip, base64
// encoded, is the largest thing Lambda accepts.
const maxRequestBody = 69905067

// decode reads a JSON request body into v. An empty body is an empty
// object.
func decode(r *http.Request, op string, v any) error {
	if r.ContentLength > maxRequestBody {
		return tooLarge(op)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return errInvalidContent(err.Error())
	}
	if len(body) > maxRequestBody {
		return tooLarge(op)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errInvalidContent(err.Error())
	}
	return nil
}

func tooLarge(op string) error {
	return gofaas.Errorf(gofaas.ETOOLARGE, "Request must be smaller than %d bytes for the %s operation", maxRequestBody, op)
}

// writeJSON writes a successful response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// writeEmpty writes a successful response without a body.
func writeEmpty(w http.ResponseWriter, status int) {
	w.WriteHeader(status)
}
