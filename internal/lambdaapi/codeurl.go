package lambdaapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofaas/gofaas"
)

// GetFunction's Code.Location is a URL on gofaas itself, signed like an S3
// presigned URL: it names the function and the zip's hash, expires after
// codeURLTTL, and carries an HMAC of both made with CodeURLKey. The route
// that serves it needs no other credentials, so the gateway must let
// codePath through without a SigV4 signature.
const (
	codePath   = "/_gofaas/code/"
	codeURLTTL = 10 * time.Minute
)

func (h *Handler) signingKey() []byte {
	h.keyOnce.Do(func() {
		h.key = h.CodeURLKey
		if len(h.key) == 0 {
			h.key = make([]byte, 32)
			rand.Read(h.key)
		}
	})
	return h.key
}

func (h *Handler) codeSignature(name, sha string, expires int64) string {
	mac := hmac.New(sha256.New, h.signingKey())
	mac.Write([]byte(name + "\n" + sha + "\n" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(mac.Sum(nil))
}

// codeURL returns the download URL of a function's zip, on the host the
// request came to.
func (h *Handler) codeURL(r *http.Request, name, sha string) string {
	expires := h.now().Add(codeURLTTL).Unix()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + codePath + url.PathEscape(name) + "/" + sha + ".zip?expires=" +
		strconv.FormatInt(expires, 10) + "&signature=" + h.codeSignature(name, sha, expires)
}

// getCode serves a zip to the holder of a valid, unexpired code URL.
func (h *Handler) getCode(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("FunctionName")
	sha, ok := strings.CutSuffix(r.PathValue("File"), ".zip")
	if !ok || len(sha) != 64 {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Query-string authentication requires the expires and signature parameters")
		return
	}
	want := h.codeSignature(name, sha, expires)
	if !hmac.Equal([]byte(want), []byte(q.Get("signature"))) {
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	if h.now().Unix() > expires {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	zip, err := h.Functions.Code.Zip(r.Context(), sha)
	if err != nil {
		if gofaas.ErrorCode(err) == gofaas.ENOTFOUND {
			writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		writeError(w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/zip")
	hd.Set("Content-Length", strconv.Itoa(len(zip)))
	w.WriteHeader(http.StatusOK)
	w.Write(zip)
}

// writeS3Error answers a code download as S3 answers a presigned URL.
func writeS3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>"))
}
