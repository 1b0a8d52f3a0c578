// Package gateway is gofaas's edge: one listener for every API. It gives
// each request an id and its RequestInfo (region and service from the SigV4
// credential scope), then dispatches to the service's handler.
//
// Dispatch uses the signing name of the credential scope first
// ("Credential=AKID/20260101/us-east-1/lambda/aws4_request"), as every AWS
// SDK signs with it, and falls back to the path for unsigned requests.
// Signature verification and IAM authorization will sit here, once, in
// front of every service.
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

// Server is the HTTP front door.
type Server struct {
	// Addr is the listen address, "127.0.0.1:4566" by default; port 0
	// picks a free port.
	Addr      string
	Region    string // used when a request names none
	AccountID string
	// Services maps a SigV4 signing name ("lambda") to its handler.
	Services map[string]http.Handler
	// Fallback serves requests no service claims: unsigned requests, the
	// code download URLs, health checks.
	Fallback http.Handler

	ln  net.Listener
	srv *http.Server
}

// Open listens synchronously (so port 0 is resolved on return) and serves
// in the background.
func (s *Server) Open() error {
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:4566"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		MaxHeaderBytes:    1 << 20,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("serve", "err", err)
		}
	}()
	return nil
}

// URL is the base URL clients use, e.g. "http://127.0.0.1:4566".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops accepting requests and waits briefly for those in flight.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	info := &gofaas.RequestInfo{RequestID: newRequestID(), Region: s.Region, AccountID: s.AccountID}
	if scope, ok := credentialScope(r); ok {
		info.AccessKey, info.Region, info.Service = scope.accessKey, scope.region, scope.service
	}
	w.Header()["X-Amzn-Requestid"] = []string{info.RequestID}
	r = r.WithContext(gofaas.WithRequestInfo(r.Context(), info))
	if h, ok := s.Services[info.Service]; ok {
		h.ServeHTTP(w, r)
		return
	}
	if s.Fallback != nil {
		s.Fallback.ServeHTTP(w, r)
		return
	}
	awsproto.WriteRESTJSONError(w, &awsproto.APIError{Status: http.StatusNotFound, Type: "UnknownOperationException", Message: "Unknown service or operation."})
}

type scope struct{ accessKey, region, service string }

// credentialScope reads the scope from a SigV4 Authorization header or a
// presigned URL's X-Amz-Credential.
func credentialScope(r *http.Request) (scope, bool) {
	cred := ""
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		for _, part := range strings.Split(auth[len("AWS4-HMAC-SHA256 "):], ",") {
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, "Credential="); ok {
				cred = v
				break
			}
		}
	} else if v := r.URL.Query().Get("X-Amz-Credential"); v != "" {
		cred = v
	}
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[4] != "aws4_request" {
		return scope{}, false
	}
	return scope{accessKey: f[0], region: f[2], service: f[3]}, true
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
