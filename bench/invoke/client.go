package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// client sends Lambda API requests over one pool of kept-alive connections.
type client struct {
	cfg    *config
	http   *http.Client
	signer *v4.Signer
	creds  aws.Credentials

	invokeURL   string // the invoke URL, with the qualifier
	payloadHash string // hex SHA-256 of cfg.payload
}

// newClient returns a client for cfg.endpoint whose connections can only reach
// loopback addresses.
func newClient(cfg *config) (*client, error) {
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   loopbackOnly,
	}
	tr := &http.Transport{
		Proxy:               nil, // never a proxy: loopback only
		DialContext:         dialer.DialContext,
		MaxIdleConns:        2*cfg.concurrency + 8,
		MaxIdleConnsPerHost: 2*cfg.concurrency + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	c := &client{
		cfg: cfg,
		http: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return errors.New("redirects are not followed")
			},
		},
		signer: v4.NewSigner(),
		creds:  aws.Credentials{AccessKeyID: cfg.accessKey, SecretAccessKey: cfg.secretKey, Source: "flags"},
	}
	sum := sha256.Sum256(cfg.payload)
	c.payloadHash = hex.EncodeToString(sum[:])
	if cfg.target == targetRIE {
		c.invokeURL = cfg.endpoint + "/2015-03-31/functions/function/invocations"
	} else {
		c.invokeURL = c.functionURL(cfg.function) + "/invocations"
		if cfg.qualifier != "" {
			c.invokeURL += "?Qualifier=" + url.QueryEscape(cfg.qualifier)
		}
	}
	return c, nil
}

// close drops the idle connections.
func (c *client) close() { c.http.CloseIdleConnections() }

// functionURL is the Lambda API URL of function name.
func (c *client) functionURL(name string) string {
	return c.cfg.endpoint + "/2015-03-31/functions/" + url.PathEscape(name)
}

// errFunction marks an answer with X-Amz-Function-Error.
var errFunction = errors.New("function error")

// invoke sends the configured event and reads the whole answer into buf.
func (c *client) invoke(ctx context.Context, buf *bytes.Buffer) error {
	return c.invokeURLPayload(ctx, c.invokeURL, c.cfg.payload, c.payloadHash, buf)
}

// invokeFunction invokes function name with the configured event.
func (c *client) invokeFunction(ctx context.Context, name string, buf *bytes.Buffer) error {
	return c.invokeURLPayload(ctx, c.functionURL(name)+"/invocations", c.cfg.payload, c.payloadHash, buf)
}

// invokeURLPayload posts payload to u and reads the answer into buf; an answer
// other than 2xx or with X-Amz-Function-Error is an error.
func (c *client) invokeURLPayload(ctx context.Context, u string, payload []byte, hash string, buf *bytes.Buffer) error {
	resp, err := c.do(ctx, http.MethodPost, u, payload, hash)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d %s: %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), snippet(buf.Bytes()))
	}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		return fmt.Errorf("%w %s: %s", errFunction, fe, snippet(buf.Bytes()))
	}
	return nil
}

// do sends one request, signed unless the target is the emulator.
func (c *client) do(ctx context.Context, method, u string, body []byte, hash string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(body))
	if len(body) == 0 {
		req.Body = http.NoBody
	}
	if c.cfg.target == targetGofaas {
		if hash == "" {
			sum := sha256.Sum256(body)
			hash = hex.EncodeToString(sum[:])
		}
		if err := c.signer.SignHTTP(ctx, c.creds, req, hash, "lambda", c.cfg.region, time.Now()); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
	}
	return c.http.Do(req)
}

// createFunction creates function name from zip and returns its CodeSha256.
func (c *client) createFunction(ctx context.Context, name string, zip []byte) (string, error) {
	body, err := json.Marshal(map[string]any{
		"FunctionName": name,
		"Runtime":      c.cfg.runtime,
		"Handler":      c.cfg.handler,
		"Role":         "arn:aws:iam::" + c.cfg.accountID + ":role/lambda-all",
		"MemorySize":   c.cfg.memory,
		"Code":         map[string]string{"ZipFile": base64.StdEncoding.EncodeToString(zip)},
	})
	if err != nil {
		return "", err
	}
	resp, err := c.do(ctx, http.MethodPost, c.cfg.endpoint+"/2015-03-31/functions", body, "")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("create %s: HTTP %d: %s", name, resp.StatusCode, snippet(b))
	}
	var out struct{ CodeSha256 string }
	if err := json.Unmarshal(b, &out); err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	return out.CodeSha256, nil
}

// deleteFunction deletes function name; a missing function is not an error.
func (c *client) deleteFunction(ctx context.Context, name string) error {
	resp, err := c.do(ctx, http.MethodDelete, c.functionURL(name), nil, "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("delete %s: HTTP %d: %s", name, resp.StatusCode, snippet(b))
	}
	return nil
}

// snippet shortens an answer for an error message.
func snippet(b []byte) string {
	const max = 300
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// checkLoopbackURL accepts only http URLs whose host is localhost or a loopback
// address.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("endpoint %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("endpoint %q: want an http:// URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("endpoint %q: want scheme://host:port only", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return fmt.Errorf("endpoint %q: refusing a host that is not loopback (127.0.0.0/8, ::1, localhost)", raw)
	}
	return nil
}

// loopbackOnly is a net.Dialer Control function refusing non-loopback addresses,
// so that no resolution or redirect can take a request off the machine.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return fmt.Errorf("refusing to connect to %s: not loopback", address)
	}
	return nil
}

// readZip reads a deployment zip.
func readZip(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 4 || string(b[:2]) != "PK" {
		return nil, fmt.Errorf("%s is not a zip", path)
	}
	return b, nil
}
