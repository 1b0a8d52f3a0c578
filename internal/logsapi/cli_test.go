package logsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/logsapi"
	"github.com/gofaas/gofaas/internal/sqlite"
)

// The two aws CLIs of the machine image: v1 (botocore, first on PATH)
// and the Debian v2 at /usr/bin/aws, which needs --endpoint-url.
var clis = []struct{ name, path string }{
	{"v1", "aws"},
	{"v2", "/usr/bin/aws"},
}

// cliEnv serves a handler on the real clock to the aws CLIs.
type cliEnv struct {
	url   string
	store *sqlite.LogStore
	home  string
}

func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "logs.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := sqlite.NewLogStore(db)
	srv := httptest.NewServer(&logsapi.Handler{Store: store})
	t.Cleanup(srv.Close)
	return &cliEnv{url: srv.URL, store: store, home: t.TempDir()}
}

// command returns an aws CLI command against the server.
func (e *cliEnv) command(ctx context.Context, cli string, args ...string) *exec.Cmd {
	args = append(args, "--endpoint-url", e.url, "--region", "us-east-1", "--output", "json")
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "HOME="+e.home,
		"AWS_ENDPOINT_URL="+e.url)
	return cmd
}

// run runs an aws CLI command and returns its standard output.
func (e *cliEnv) run(t *testing.T, cli string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := e.command(ctx, cli, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// invocation writes the lines of one Lambda invocation at now.
func (e *cliEnv) invocation(t *testing.T, group, stream, id string, lines ...string) {
	t.Helper()
	now := time.Now()
	evs := []gofaas.LogEvent{{Group: group, Stream: stream, Timestamp: now, Message: "START RequestId: " + id + " Version: $LATEST\n"}}
	for _, l := range lines {
		evs = append(evs, gofaas.LogEvent{Group: group, Stream: stream, Timestamp: now, Message: l + "\n"})
	}
	evs = append(evs,
		gofaas.LogEvent{Group: group, Stream: stream, Timestamp: now, Message: "END RequestId: " + id + "\n"},
		gofaas.LogEvent{Group: group, Stream: stream, Timestamp: now, Message: "REPORT RequestId: " + id + "\tDuration: 1.00 ms\n"})
	if err := e.store.PutLogEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func findCLI(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		t.Skipf("%s not installed", path)
	}
}

func TestCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the aws CLIs")
	}
	e := newCLIEnv(t)
	const g = "/aws/lambda/ExampleFunction"
	e.invocation(t, g, "2026/11/28/[$LATEST]aaaa", "r1", "hello from r1")
	e.invocation(t, g, "2026/11/28/[$LATEST]bbbb", "r2", "ERROR something broke")
	for _, cli := range clis {
		t.Run(cli.name, func(t *testing.T) {
			findCLI(t, cli.path)
			t.Run("DescribeLogStreams", func(t *testing.T) {
				out := e.run(t, cli.path, "logs", "describe-log-streams", "--log-group-name", g, "--order-by", "LastEventTime", "--descending")
				var resp struct {
					LogStreams []struct {
						LogStreamName      string `json:"logStreamName"`
						LastEventTimestamp int64  `json:"lastEventTimestamp"`
					} `json:"logStreams"`
				}
				if err := json.Unmarshal([]byte(out), &resp); err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if len(resp.LogStreams) != 2 || resp.LogStreams[0].LogStreamName != "2026/11/28/[$LATEST]bbbb" {
					t.Fatalf("streams = %+v, want bbbb (latest) first", resp.LogStreams)
				}
			})
			t.Run("GetLogEvents", func(t *testing.T) {
				out := e.run(t, cli.path, "logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "2026/11/28/[$LATEST]aaaa", "--start-from-head")
				var resp struct {
					Events []struct {
						Message string `json:"message"`
					} `json:"events"`
					NextForwardToken string `json:"nextForwardToken"`
				}
				if err := json.Unmarshal([]byte(out), &resp); err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if len(resp.Events) != 4 || !strings.HasPrefix(resp.Events[1].Message, "hello from r1") || !strings.HasPrefix(resp.NextForwardToken, "f/") {
					t.Fatalf("get-log-events = %s", out)
				}
			})
			t.Run("FilterLogEvents", func(t *testing.T) {
				out := e.run(t, cli.path, "logs", "filter-log-events", "--log-group-name", g, "--filter-pattern", "ERROR")
				if !strings.Contains(out, "ERROR something broke") || strings.Contains(out, "hello from r1") {
					t.Fatalf("filter-log-events = %s", out)
				}
			})
			if cli.name == "v1" {
				// aws logs tail is a v2 command.
				return
			}
			t.Run("Tail", func(t *testing.T) {
				out := e.run(t, cli.path, "logs", "tail", g, "--since", "10m")
				for _, want := range []string{"START RequestId: r1", "hello from r1", "END RequestId: r2", "REPORT RequestId: r2", "[$LATEST]bbbb ERROR something broke"} {
					if !strings.Contains(out, want) {
						t.Fatalf("tail output lacks %q:\n%s", want, out)
					}
				}
			})
			t.Run("TailFilter", func(t *testing.T) {
				out := e.run(t, cli.path, "logs", "tail", g, "--since", "10m", "--filter-pattern", "ERROR")
				if !strings.Contains(out, "ERROR something broke") || strings.Contains(out, "START") {
					t.Fatalf("tail --filter-pattern ERROR:\n%s", out)
				}
			})
			t.Run("TailFollow", func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := e.command(ctx, cli.path, "logs", "tail", g, "--since", "10m", "--follow")
				out := &syncBuffer{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				defer func() {
					cmd.Process.Kill()
					cmd.Wait()
				}()
				waitFor(t, 30*time.Second, func() bool { return strings.Contains(out.String(), "REPORT RequestId: r2") })
				e.invocation(t, g, "2026/11/28/[$LATEST]aaaa", "r3", "a new invocation")
				waitFor(t, 30*time.Second, func() bool { return strings.Contains(out.String(), "a new invocation") })
				if n := strings.Count(out.String(), "START RequestId: r1"); n != 1 {
					t.Fatalf("--follow printed r1's START %d times:\n%s", n, out.String())
				}
			})
		})
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("condition not met within %v", timeout))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
