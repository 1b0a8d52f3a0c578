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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
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
	// Auth verifies each request's signature; nil turns verification off
	// (any credentials are accepted).
	Auth Authenticator
	// Public reports requests that need no signature (health checks, the
	// code URLs that carry their own).
	Public func(r *http.Request) bool
	// Protocols maps a signing name to its wire protocol ("rest-json",
	// "json", "query"), for rendering authentication errors.
	Protocols map[string]string
	// ErrorWriters render errors for services whose protocol depends on the
	// request (CloudWatch speaks CBOR, JSON and query), by signing name.
	ErrorWriters map[string]func(w http.ResponseWriter, r *http.Request, e *awsproto.APIError)
	// QueryError renders an error of a query-protocol service (given its
	// signing name, for the XML namespace); nil falls back to rest-json.
	QueryError func(w http.ResponseWriter, service string, e *awsproto.APIError, requestID string)

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
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		info.SourceIP = host
	}
	if scope, ok := credentialScope(r); ok {
		info.AccessKey, info.Region, info.Service = scope.accessKey, scope.region, scope.service
	}
	w.Header()["X-Amzn-Requestid"] = []string{info.RequestID}
	ctx := gofaas.WithRequestInfo(r.Context(), info)
	if s.Auth != nil && (s.Public == nil || !s.Public(r)) {
		body, release, err := readBody(r)
		if err != nil {
			s.writeError(w, r, info, &awsproto.APIError{Status: http.StatusRequestEntityTooLarge, Type: "RequestEntityTooLargeException", Message: err.Error()})
			return
		}
		defer release()
		p, err := s.Auth.Verify(ctx, r, body)
		if err != nil {
			s.writeAuthError(w, r, info, err)
			return
		}
		ctx = gofaas.WithPrincipal(ctx, p)
	}
	r = r.WithContext(ctx)
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

// Authenticator verifies a request's signature and says who sent it.
type Authenticator interface {
	// Verify checks r (whose body has been read into body) and
	// returns the caller. Its errors should implement AuthError.
	Verify(ctx context.Context, r *http.Request, body []byte) (*gofaas.Principal, error)
}

// AuthError is an authentication failure that knows how each protocol
// words it.
type AuthError interface {
	error
	For(protocol string) (status int, awsType, message string)
}

// maxBody bounds a request body: a 50 MB zip, base64-encoded in a JSON
// CreateFunction request, is the largest thing any service takes.
const maxBody = 70 << 20

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody buffers r's body for the signature check and hands it on to the
// service. release returns the buffer once the service is done.
func readBody(r *http.Request) (body []byte, release func(), err error) {
	if r.ContentLength > maxBody {
		return nil, nil, fmt.Errorf("Request must be smaller than %d bytes", maxBody)
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	n, err := buf.ReadFrom(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		bodyPool.Put(buf)
		return nil, nil, fmt.Errorf("could not read the request body: %w", err)
	}
	if n > maxBody {
		bodyPool.Put(buf)
		return nil, nil, fmt.Errorf("Request must be smaller than %d bytes", maxBody)
	}
	body = buf.Bytes()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, func() {
		if buf.Cap() <= 1<<20 {
			bodyPool.Put(buf)
		}
	}, nil
}

// protocol returns the wire protocol of the request's service, guessing
// from its shape when it was not signed.
func (s *Server) protocol(info *gofaas.RequestInfo, r *http.Request) string {
	if p, ok := s.Protocols[info.Service]; ok {
		return p
	}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		return "json"
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return "query"
	}
	return "rest-json"
}

func (s *Server) writeAuthError(w http.ResponseWriter, r *http.Request, info *gofaas.RequestInfo, err error) {
	var ae AuthError
	if !errors.As(err, &ae) {
		s.writeError(w, r, info, awsproto.ToAPIError(err, func(string) (string, int) { return "InternalFailure", 500 }, "InternalFailure"))
		return
	}
	status, typ, msg := ae.For(s.protocol(info, r))
	s.writeError(w, r, info, &awsproto.APIError{Status: status, Type: typ, Message: msg})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, info *gofaas.RequestInfo, e *awsproto.APIError) {
	if ew, ok := s.ErrorWriters[info.Service]; ok {
		ew(w, r, e)
		return
	}
	switch s.protocol(info, r) {
	case "json":
		awsproto.WriteJSONError(w, e)
	case "query":
		if s.QueryError != nil {
			s.QueryError(w, info.Service, e, info.RequestID)
			return
		}
		awsproto.WriteRESTJSONError(w, e)
	default:
		awsproto.WriteRESTJSONError(w, e)
	}
}
