// Command invoke is a load tool for the Lambda Invoke API on loopback.
//
// It POSTs /2015-03-31/functions/<name>/invocations, SigV4-signed, to a gofaas
// endpoint from --concurrency workers over kept-alive connections, for --duration
// or --requests (whichever ends first), and prints the count, errors, throughput
// and latency percentiles. With --target rie it posts, unsigned, to AWS's runtime
// interface emulator (/2015-03-31/functions/function/invocations).
//
// Two more modes share the flags:
//
//	--deploy hello.zip   create (or re-create) --function on gofaas from a zip
//	--cold N             time the first invoke of N new functions on gofaas
//	                     (--zip), or with --target rie, the launch-to-first-answer
//	                     of N emulator processes (--rie-bin, --bootstrap)
//
// It refuses any endpoint that is not loopback (127.0.0.0/8, ::1, localhost), and
// its dialer refuses any other address.
//
// Examples:
//
//	go run ./bench/invoke --deploy hello.zip --function hello
//	go run ./bench/invoke --function hello --concurrency 16 --duration 10s
//	go run ./bench/invoke --target rie --endpoint http://127.0.0.1:9000 --requests 10000
//	go run ./bench/invoke --cold 20 --zip hello.zip
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Targets.
const (
	targetGofaas = "gofaas"
	targetRIE    = "rie"
)

// config is what the flags say.
type config struct {
	target      string
	endpoint    string
	function    string
	qualifier   string
	payload     []byte
	concurrency int
	duration    time.Duration
	requests    int64
	warmup      time.Duration
	timeout     time.Duration
	region      string
	accessKey   string
	secretKey   string
	jsonOut     bool

	deploy    string
	cold      int
	zip       string
	runtime   string
	handler   string
	accountID string
	memory    int
	rieBin    string
	bootstrap string
}

// maxRun bounds any run, whatever the flags say.
const maxRun = 30 * time.Minute

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args, runs the chosen mode and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "invoke:", err)
		return 2
	}
	c, err := newClient(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "invoke:", err)
		return 2
	}
	defer c.close()

	switch {
	case cfg.deploy != "":
		err = deploy(ctx, c, cfg, stdout)
	case cfg.cold > 0 && cfg.target == targetRIE:
		err = coldRIE(ctx, c, cfg, stdout)
	case cfg.cold > 0:
		err = coldGofaas(ctx, c, cfg, stdout)
	default:
		err = loadMode(ctx, c, cfg, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "invoke:", err)
		return 1
	}
	return 0
}

// parseFlags reads and checks the flags.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var payload, payloadFile string
	fs.StringVar(&cfg.target, "target", targetGofaas, "gofaas (Invoke API, SigV4-signed) or rie (runtime interface emulator, unsigned)")
	fs.StringVar(&cfg.endpoint, "endpoint", "", "base URL, loopback only (default http://127.0.0.1:4566, or http://127.0.0.1:8080 for rie)")
	fs.StringVar(&cfg.function, "function", "hello", "function name (gofaas)")
	fs.StringVar(&cfg.qualifier, "qualifier", "", "version or alias (gofaas)")
	fs.StringVar(&payload, "payload", `{"value":"bench"}`, "event JSON")
	fs.StringVar(&payloadFile, "payload-file", "", "read the event from this file instead")
	fs.IntVar(&cfg.concurrency, "concurrency", 1, "concurrent workers, each with one request in flight")
	fs.DurationVar(&cfg.duration, "duration", 0, "how long to send requests (default 10s unless --requests is set)")
	fs.Int64Var(&cfg.requests, "requests", 0, "stop after this many requests")
	fs.DurationVar(&cfg.warmup, "warmup", 0, "send requests for this long first, unmeasured")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.StringVar(&cfg.region, "region", envOr("AWS_REGION", "us-west-1"), "signing region")
	fs.StringVar(&cfg.accessKey, "access-key", envOr("AWS_ACCESS_KEY_ID", "test"), "access key id")
	fs.StringVar(&cfg.secretKey, "secret-key", envOr("AWS_SECRET_ACCESS_KEY", "test"), "secret access key")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print the results as one JSON object")
	fs.StringVar(&cfg.deploy, "deploy", "", "create --function from this zip (deleting it first if it exists), then exit")
	fs.IntVar(&cfg.cold, "cold", 0, "measure N cold starts instead of load")
	fs.StringVar(&cfg.zip, "zip", "", "function zip for --cold (gofaas)")
	fs.StringVar(&cfg.runtime, "runtime", "provided.al2023", "runtime for --deploy and --cold")
	fs.StringVar(&cfg.handler, "handler", "bootstrap", "handler for --deploy and --cold")
	fs.StringVar(&cfg.accountID, "account-id", "123456789012", "account of the execution role ARN")
	fs.IntVar(&cfg.memory, "memory", 128, "MemorySize for --deploy and --cold")
	fs.StringVar(&cfg.rieBin, "rie-bin", "aws-lambda-rie", "emulator executable for --target rie --cold")
	fs.StringVar(&cfg.bootstrap, "bootstrap", "", "function executable for --target rie --cold")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: invoke [flags]   (see go doc ./bench/invoke)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	switch cfg.target {
	case targetGofaas:
		if cfg.endpoint == "" {
			cfg.endpoint = "http://127.0.0.1:4566"
		}
	case targetRIE:
		if cfg.endpoint == "" {
			cfg.endpoint = "http://127.0.0.1:8080"
		}
	default:
		return nil, fmt.Errorf("--target %q: want gofaas or rie", cfg.target)
	}
	cfg.endpoint = strings.TrimRight(cfg.endpoint, "/")
	if err := checkLoopbackURL(cfg.endpoint); err != nil {
		return nil, err
	}

	cfg.payload = []byte(payload)
	if payloadFile != "" {
		b, err := os.ReadFile(payloadFile)
		if err != nil {
			return nil, err
		}
		cfg.payload = b
	}
	if !json.Valid(cfg.payload) {
		return nil, errors.New("--payload is not valid JSON")
	}
	if cfg.concurrency < 1 || cfg.concurrency > 4096 {
		return nil, fmt.Errorf("--concurrency %d: want 1 to 4096", cfg.concurrency)
	}
	if cfg.requests < 0 || cfg.duration < 0 || cfg.warmup < 0 || cfg.cold < 0 {
		return nil, errors.New("--requests, --duration, --warmup and --cold must not be negative")
	}
	if cfg.duration == 0 && cfg.requests == 0 {
		cfg.duration = 10 * time.Second
	}
	if cfg.duration == 0 || cfg.duration > maxRun {
		cfg.duration = maxRun
	}
	if cfg.warmup > maxRun {
		cfg.warmup = maxRun
	}
	if cfg.timeout <= 0 || cfg.timeout > 15*time.Minute {
		return nil, fmt.Errorf("--timeout %v: want more than 0 and at most 15m", cfg.timeout)
	}
	if cfg.cold > 10000 {
		return nil, fmt.Errorf("--cold %d: at most 10000", cfg.cold)
	}
	if cfg.deploy != "" && cfg.target != targetGofaas {
		return nil, errors.New("--deploy needs --target gofaas")
	}
	if cfg.cold > 0 && cfg.target == targetGofaas && cfg.zip == "" {
		return nil, errors.New("--cold needs --zip")
	}
	if cfg.cold > 0 && cfg.target == targetRIE && cfg.bootstrap == "" {
		return nil, errors.New("--target rie --cold needs --bootstrap")
	}
	return cfg, nil
}

// envOr returns the environment variable key, or def if it is empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
