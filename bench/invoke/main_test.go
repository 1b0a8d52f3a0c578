package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheckLoopbackURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:4566", true},
		{"http://127.1.2.3:80", true},
		{"http://localhost:4566", true},
		{"http://LOCALHOST:4566/", true},
		{"http://[::1]:4566", true},
		{"http://[::ffff:127.0.0.1]:4566", true},
		{"http://10.0.0.1:4566", false},
		{"http://0.0.0.0:4566", false},
		{"http://example.com", false},
		{"http://localhost.example.com:4566", false},
		{"http://127.0.0.1.nip.io:4566", false},
		{"ftp://127.0.0.1", false},
		{"http://127.0.0.1:4566/path", false},
		{"http://user@127.0.0.1:4566", false},
		{"127.0.0.1:4566", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if err := checkLoopbackURL(tt.url); (err == nil) != tt.ok {
				t.Errorf("checkLoopbackURL(%q) = %v, want ok %v", tt.url, err, tt.ok)
			}
		})
	}
}

func TestLoopbackOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:80": true, "[::1]:80": true, "192.168.1.1:80": false, "8.8.8.8:53": false,
	} {
		if err := loopbackOnly("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("loopbackOnly(%s) = %v, want ok %v", addr, err, ok)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}}
	for _, tt := range tests {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("percentile(1..100ms, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

func TestParseFlagsRefusesRemote(t *testing.T) {
	if _, err := parseFlags([]string{"--endpoint", "http://203.0.113.1:4566"}, io.Discard); err == nil {
		t.Fatal("parseFlags accepted a remote endpoint")
	}
}

// fakeLambda answers invokes like gofaas, recording what it saw.
type fakeLambda struct {
	calls    atomic.Int64
	unsigned atomic.Int64
	badPath  atomic.Int64
	fail     bool
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=test/") ||
		!strings.Contains(r.Header.Get("Authorization"), "/us-west-1/lambda/aws4_request") {
		f.unsigned.Add(1)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/2015-03-31/functions/hello/invocations" || r.URL.Query().Get("Qualifier") != "live" {
		f.badPath.Add(1)
	}
	body, _ := io.ReadAll(r.Body)
	if f.fail {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		w.Write([]byte(`{"errorMessage":"boom"}`))
		return
	}
	w.Write(body)
}

func runTool(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String() + errb.String()
}

func TestLoadRequests(t *testing.T) {
	f := &fakeLambda{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	code, out := runTool(t, "--endpoint", srv.URL, "--function", "hello", "--qualifier", "live",
		"--concurrency", "8", "--requests", "200", "--region", "us-west-1",
		"--access-key", "test", "--secret-key", "test", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var st stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got, want := st.Requests, int64(200); got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
	if got, want := f.calls.Load(), int64(200); got != want {
		t.Errorf("server saw %d calls, want %d", got, want)
	}
	if n := f.unsigned.Load(); n != 0 {
		t.Errorf("%d requests were not signed for lambda in us-west-1", n)
	}
	if n := f.badPath.Load(); n != 0 {
		t.Errorf("%d requests had the wrong method, path or qualifier", n)
	}
	if st.Errors != 0 || st.P50ms <= 0 || st.Maxms < st.P99ms || st.Throughput <= 0 {
		t.Errorf("implausible stats %+v", st)
	}
	if got, want := st.Sample, `{"value":"bench"}`; got != want {
		t.Errorf("sample = %q, want %q", got, want)
	}
}

func TestLoadCountsFunctionErrors(t *testing.T) {
	srv := httptest.NewServer(&fakeLambda{fail: true})
	defer srv.Close()
	code, out := runTool(t, "--endpoint", srv.URL, "--function", "hello", "--qualifier", "live", "--requests", "10")
	if code == 0 {
		t.Fatalf("exit 0 despite function errors: %s", out)
	}
	if !strings.Contains(out, "errors 10") || !strings.Contains(out, "Unhandled") {
		t.Errorf("output does not report 10 Unhandled errors:\n%s", out)
	}
}

func TestLoadDuration(t *testing.T) {
	f := &fakeLambda{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	start := time.Now()
	code, out := runTool(t, "--endpoint", srv.URL, "--qualifier", "live", "--concurrency", "2", "--duration", "200ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("a 200ms run took %v", el)
	}
	if f.calls.Load() == 0 {
		t.Error("no request was sent")
	}
}

func TestRIEUnsigned(t *testing.T) {
	var signed, calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "" {
			signed.Add(1)
		}
		if r.URL.Path != "/2015-03-31/functions/function/invocations" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	code, out := runTool(t, "--target", "rie", "--endpoint", srv.URL, "--requests", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if calls.Load() != 5 || signed.Load() != 0 {
		t.Errorf("calls %d, signed %d; want 5 unsigned", calls.Load(), signed.Load())
	}
}

// BenchmarkInvokeOverhead measures what the tool itself costs per request
// against a trivial loopback server, signed (gofaas) and unsigned (rie): the
// floor under every figure the tool reports.
func BenchmarkInvokeOverhead(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	for _, target := range []string{targetGofaas, targetRIE} {
		b.Run(target, func(b *testing.B) {
			cfg, err := parseFlags([]string{"--target", target, "--endpoint", srv.URL}, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			c, err := newClient(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer c.close()
			var buf bytes.Buffer
			for b.Loop() {
				if err := c.invoke(context.Background(), &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
