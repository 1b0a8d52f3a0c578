package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/authz"
	"github.com/gofaas/gofaas/internal/awsproto"
	"github.com/gofaas/gofaas/internal/cloudwatchapi"
	"github.com/gofaas/gofaas/internal/codestore"
	"github.com/gofaas/gofaas/internal/eventsapi"
	"github.com/gofaas/gofaas/internal/functions"
	"github.com/gofaas/gofaas/internal/gateway"
	"github.com/gofaas/gofaas/internal/iamapi"
	"github.com/gofaas/gofaas/internal/invoke"
	"github.com/gofaas/gofaas/internal/lambdaapi"
	"github.com/gofaas/gofaas/internal/logsapi"
	"github.com/gofaas/gofaas/internal/metrics"
	"github.com/gofaas/gofaas/internal/policy"
	"github.com/gofaas/gofaas/internal/pool"
	"github.com/gofaas/gofaas/internal/rootkey"
	"github.com/gofaas/gofaas/internal/rules"
	"github.com/gofaas/gofaas/internal/sandbox"
	"github.com/gofaas/gofaas/internal/schedulerapi"
	"github.com/gofaas/gofaas/internal/sigv4"
	"github.com/gofaas/gofaas/internal/sqlite"
	"github.com/gofaas/gofaas/internal/stsapi"
)

// Config is everything `gofaas serve` can be told.
type Config struct {
	Listen             string
	DataDir            string
	AccountID          string
	Region             string
	Dev                bool
	IdleTimeout        time.Duration
	AsyncRetryDelay    time.Duration
	AccountConcurrency int
	NoLimits           bool
	Pprof              bool
}

// DefaultConfig returns the defaults, the lowest layer of configuration.
func DefaultConfig() Config {
	data := ".gofaas"
	if home, err := os.UserHomeDir(); err == nil {
		data = filepath.Join(home, ".local", "share", "gofaas")
	}
	return Config{
		Listen:             "127.0.0.1:4566",
		DataDir:            data,
		AccountID:          "000000000000",
		Region:             "us-east-1",
		IdleTimeout:        10 * time.Minute,
		AsyncRetryDelay:    time.Minute,
		AccountConcurrency: gofaas.DefaultAccountLimit,
	}
}

// Main is the running server: every component, wired.
type Main struct {
	Config Config
	// Out receives the start-up banner; os.Stderr by default.
	Out io.Writer
	// RulesClock, when set, is the scheduler's clock (tests).
	RulesClock rules.Clock

	DB        *sqlite.DB
	Code      *codestore.Store
	Functions *functions.Service
	Invoker   *invoke.Invoker
	Pool      *pool.Pool[*invoke.Env]
	Logs      *invoke.LogBatcher
	LogStore  *sqlite.LogStore
	Gateway   *gateway.Server
	// Credentials resolves access keys: the root key, test/test with
	// --dev, then IAM users' keys and STS sessions.
	Credentials *rootkey.Store
	Authorizer  *authz.Authorizer
	Identity    *sqlite.IdentityStore
	Metrics     *metrics.Recorder
	Prometheus  *metrics.Prometheus
	Lambda      *metrics.Lambda
	LogsAPI     *logsapi.Handler
	Rules       *rules.Runner
	Schedules   *schedulerapi.Runner
	STS         *stsapi.Handler
	stop        chan struct{}
	lambdaLogs  *lambdaLogSink
	cgroups     *sandbox.Cgroups

	closeOnce sync.Once
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Out: os.Stderr}
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

// Run opens every component and starts serving. It returns once the
// listener is open.
func (m *Main) Run(ctx context.Context) error {
	c := m.Config
	m.stop = make(chan struct{})
	if !accountRE.MatchString(c.AccountID) {
		return fmt.Errorf("--account-id must be 12 digits, got %q", c.AccountID)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}

	m.DB = sqlite.NewDB(filepath.Join(c.DataDir, "gofaas.db"))
	if err := m.DB.Open(); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.Code = codestore.New(filepath.Join(c.DataDir, "code"))
	if err := m.Code.Open(); err != nil {
		return fmt.Errorf("open code store: %w", err)
	}
	store := sqlite.NewFunctionStore(m.DB)
	m.Metrics = metrics.NewRecorder(sqlite.NewMetricStore(m.DB))
	if err := m.Metrics.Open(); err != nil {
		return fmt.Errorf("open metrics: %w", err)
	}
	m.Prometheus = metrics.NewPrometheus()
	m.Lambda = &metrics.Lambda{Recorder: m.Metrics, Prometheus: m.Prometheus}
	m.LogStore = sqlite.NewLogStore(m.DB)
	m.lambdaLogs = &lambdaLogSink{m: m, store: m.LogStore}
	m.Logs = &invoke.LogBatcher{Sink: m.lambdaLogs}
	m.Logs.Open()

	limitsNote := ""
	if !c.NoLimits {
		cg, err := sandbox.DetectCgroups()
		if err != nil {
			limitsNote = "memory limits off (" + err.Error() + ")"
		} else {
			m.cgroups = cg
			limitsNote = "memory limits on: " + cg.Describe()
		}
	} else {
		limitsNote = "memory limits off (--no-limits)"
	}

	m.Pool = pool.New[*invoke.Env]()
	m.Pool.AccountLimit = c.AccountConcurrency
	m.Pool.IdleTimeout = c.IdleTimeout
	m.Functions = &functions.Service{Store: store, Code: m.Code, AccountConcurrency: c.AccountConcurrency}
	m.Functions.RoleCheck = m.lambdaCanAssume
	reserved := &reservedTotal{store: store}
	m.Pool.ReservedTotal = reserved.get

	root, created, err := rootkey.LoadOrCreate(c.DataDir)
	if err != nil {
		return err
	}
	m.Credentials = &rootkey.Store{AccountID: c.AccountID, Keys: []rootkey.Key{root}}
	if c.Dev {
		m.Credentials.Keys = append(m.Credentials.Keys, rootkey.Key{AccessKeyID: rootkey.DevAccessKeyID, SecretAccessKey: rootkey.DevSecret})
	}
	m.Identity = sqlite.NewIdentityStore(m.DB, c.AccountID)
	m.Identity.AWSManaged = policy.AWSManaged
	m.Credentials.Next = m.Identity
	m.Authorizer = &authz.Authorizer{Policies: m.Identity}
	authorize := func(ctx context.Context, action, resource string) error {
		return m.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: gofaas.PrincipalFrom(ctx), Action: action, Resource: resource})
	}
	m.STS = &stsapi.Handler{Store: m.Identity, AccountID: c.AccountID, Authorize: authorize}
	iam := &iamapi.Handler{Store: m.Identity, Authorize: authorize}
	m.Gateway = &gateway.Server{
		Addr: c.Listen, Region: c.Region, AccountID: c.AccountID,
		Auth: &sigv4.Verifier{Credentials: m.Credentials},
		Public: func(r *http.Request) bool {
			return isPublic(r) || r.URL.Path == "/metrics" || c.Pprof && strings.HasPrefix(r.URL.Path, "/debug/pprof/")
		},
		Protocols: map[string]string{"lambda": "rest-json", "iam": "query", "sts": "query", "logs": "json", "events": "json", "scheduler": "rest-json"},
		QueryError: func(w http.ResponseWriter, service string, e *awsproto.APIError, requestID string) {
			ns := "https://iam.amazonaws.com/doc/2010-05-08/"
			if service == "sts" {
				ns = "https://sts.amazonaws.com/doc/2011-06-15/"
			}
			awsproto.WriteQueryError(w, e, ns, requestID)
		},
	}
	if err := m.Gateway.Open(); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.Invoker = &invoke.Invoker{
		Functions:   m.Functions,
		Code:        m.Code,
		Logs:        m.Logs,
		Queue:       sqlite.NewEventQueue(m.DB),
		Pool:        m.Pool,
		Cgroups:     m.cgroups,
		Region:      c.Region,
		AccountID:   c.AccountID,
		Endpoint:    m.Gateway.URL(),
		RetryDelays: []time.Duration{c.AsyncRetryDelay, 2 * c.AsyncRetryDelay},
		OnResult:    m.Lambda.OnResult,
		OnAsync: func(event, fn, qualifier string, age time.Duration) {
			now := time.Now()
			switch event {
			case "received":
				m.Lambda.AsyncEventReceived(fn, qualifier, now)
			case "age":
				m.Lambda.AsyncEventAge(fn, qualifier, age, now)
			case "dropped":
				m.Lambda.AsyncEventDropped(fn, qualifier, now)
			}
		},
		RoleCredentials: func(ctx context.Context, fn *gofaas.Function) (*gofaas.Session, error) {
			s, err := m.STS.AssumeRoleForService(ctx, fn.Role, fn.Name, lambdaService, executionSession)
			if err != nil {
				return nil, errRoleNotAssumable()
			}
			return s, nil
		},
	}
	m.Functions.OnChange = func(name string) {
		reserved.invalidate()
		m.Invoker.Retire(name)
	}
	if err := m.Invoker.Open(); err != nil {
		return err
	}
	go m.Pool.Run()

	key := make([]byte, 32)
	rand.Read(key)
	mux := http.NewServeMux()
	api := &lambdaapi.Handler{Functions: m.Functions, Invoker: m.Invoker, CodeURLKey: key, Authorizer: m.Authorizer}
	api.Routes(mux)
	mux.HandleFunc("GET /_gofaas/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	if c.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}
	mux.Handle("GET /metrics", m.Prometheus.Handler())
	cw := &cloudwatchapi.Handler{Metrics: m.Metrics, Authorizer: m.Authorizer}
	m.LogsAPI = &logsapi.Handler{Store: m.LogStore, Authorizer: m.Authorizer, OnDeleteLogGroup: m.lambdaLogs.deleted}
	m.Rules = &rules.Runner{Store: sqlite.NewRuleStore(m.DB), Region: c.Region, AccountID: c.AccountID, Invoke: m.invokeTarget, Clock: m.RulesClock}
	m.Rules.OnTrigger = func(rule *gofaas.Rule) {
		dims := []gofaas.Dimension{{Name: "RuleName", Value: rule.Name}}
		now := time.Now()
		m.Metrics.Record("AWS/Events", "TriggeredRules", dims, 1, "Count", now)
		m.Metrics.Record("AWS/Events", "MatchedEvents", dims, 1, "Count", now)
	}
	m.Rules.OnInvoke = func(rule *gofaas.Rule, t *gofaas.Target, err error) {
		dims := []gofaas.Dimension{{Name: "RuleName", Value: rule.Name}}
		now := time.Now()
		m.Metrics.Record("AWS/Events", "Invocations", dims, 1, "Count", now)
		if err != nil {
			m.Metrics.Record("AWS/Events", "FailedInvocations", dims, 1, "Count", now)
		}
	}
	if err := m.Rules.Open(); err != nil {
		return fmt.Errorf("start the rule scheduler: %w", err)
	}
	schedStore := sqlite.NewScheduleStore(m.DB)
	m.Schedules = &schedulerapi.Runner{Store: schedStore, Invoke: m.invokeSchedule, Clock: m.RulesClock}
	if err := m.Schedules.Open(); err != nil {
		return fmt.Errorf("start the schedule runner: %w", err)
	}
	sched := &schedulerapi.Handler{Store: schedStore, Runner: m.Schedules, Authorizer: m.Authorizer, Region: c.Region, AccountID: c.AccountID}
	events := &eventsapi.Handler{Store: m.Rules.Store, Scheduler: m.Rules, Authorizer: m.Authorizer, Region: c.Region, AccountID: c.AccountID}
	m.Gateway.ErrorWriters = map[string]func(http.ResponseWriter, *http.Request, *awsproto.APIError){"monitoring": cloudwatchapi.WriteError}
	m.Gateway.Services = map[string]http.Handler{
		"monitoring": m.Prometheus.Instrument("monitoring", nil, cw),
		"logs":       m.Prometheus.Instrument("logs", nil, m.LogsAPI),
		"events":     m.Prometheus.Instrument("events", nil, events),
		"scheduler":  m.Prometheus.Instrument("scheduler", nil, sched),
		"lambda":     m.Prometheus.Instrument("lambda", lambdaOperation, mux),
		// Every IAM change may change a decision: the authorizer's cache of
		// policy sets starts over after each IAM request.
		"iam": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			iam.ServeHTTP(&invalidatingWriter{ResponseWriter: w, invalidate: m.Authorizer.Invalidate}, r)
		}),
		"sts": m.Prometheus.Instrument("sts", nil, m.STS),
	}
	m.Gateway.Services["iam"] = m.Prometheus.Instrument("iam", nil, m.Gateway.Services["iam"])
	go m.maintain()
	m.Gateway.Fallback = mux

	url := m.Gateway.URL()
	fmt.Fprintf(m.Out, "gofaas %s serving on %s (data: %s, account %s)\n", Version, url, c.DataDir, c.AccountID)
	fmt.Fprintf(m.Out, "%s\n", limitsNote)
	if created {
		fmt.Fprintf(m.Out, "\nCreated the account's root access key, stored in %s (mode 0600).\n",
			filepath.Join(c.DataDir, rootkey.FileName))
	}
	fmt.Fprintf(m.Out, "Point the aws CLI and SDKs at it with the root key:\n\n  export AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n\n",
		url, c.Region, root.AccessKeyID, root.SecretAccessKey)
	fmt.Fprintf(m.Out, "(`gofaas credentials --data %s` prints these lines again.)\n", c.DataDir)
	if c.Dev {
		fmt.Fprintf(m.Out, "\n*** --dev: the well-known root credentials test/test are ACCEPTED. Anyone who can reach %s is root. ***\n\n", url)
	}
	return nil
}

// URL is the server's base URL.
func (m *Main) URL() string { return m.Gateway.URL() }

// Close stops serving and closes every component, in reverse order.
func (m *Main) Close() error {
	var first error
	m.closeOnce.Do(func() {
		if m.stop != nil {
			close(m.stop)
		}
		keep := func(err error) {
			if err != nil && first == nil {
				first = err
			}
		}
		if m.Gateway != nil {
			keep(m.Gateway.Close())
		}
		if m.Rules != nil {
			keep(m.Rules.Close())
		}
		if m.Schedules != nil {
			keep(m.Schedules.Close())
		}
		if m.Invoker != nil {
			keep(m.Invoker.Close())
		}
		if m.Pool != nil {
			m.Pool.Close()
		}
		if m.Logs != nil {
			m.Logs.Close()
		}
		if m.Metrics != nil {
			keep(m.Metrics.Close())
		}
		if m.cgroups != nil {
			// Environments exit asynchronously after the kill.
			for i := 0; i < 50 && m.cgroups.Close() != nil; i++ {
				time.Sleep(10 * time.Millisecond)
			}
		}
		if m.DB != nil {
			keep(m.DB.Close())
		}
	})
	return first
}

// reservedTotal caches the sum of every function's reserved concurrency,
// which the pool needs on each invocation of an unreserved function.
type reservedTotal struct {
	store gofaas.FunctionStore
	mu    sync.Mutex
	valid bool
	total int
}

func (r *reservedTotal) get() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.valid {
		m, err := r.store.ReservedConcurrency(context.Background())
		if err != nil {
			return r.total
		}
		r.total = 0
		for _, n := range m {
			r.total += n
		}
		r.valid = true
	}
	return r.total
}

func (r *reservedTotal) invalidate() {
	r.mu.Lock()
	r.valid = false
	r.mu.Unlock()
}

// isPublic reports the requests that need no signature: health checks and
// code downloads (whose URLs carry their own HMAC signature).
func isPublic(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/_gofaas/")
}

const (
	lambdaService = "lambda.amazonaws.com"
	// executionSession is how long an environment's role credentials last;
	// environments are retired before their credentials expire.
	executionSession = 12 * time.Hour
)

func errRoleNotAssumable() error {
	return gofaas.Errorf(gofaas.EINVALID, "The role defined for the function cannot be assumed by Lambda.")
}

// lambdaCanAssume checks that an execution role exists and trusts
// lambda.amazonaws.com, as CreateFunction does on AWS.
func (m *Main) lambdaCanAssume(ctx context.Context, roleARN string) error {
	arn, err := gofaas.ParseARN(roleARN)
	if err != nil || arn.Service != "iam" || !strings.HasPrefix(arn.Resource, "role/") {
		return errRoleNotAssumable()
	}
	if arn.AccountID != m.Config.AccountID {
		return errRoleNotAssumable()
	}
	name := arn.Resource[strings.LastIndex(arn.Resource, "/")+1:]
	role, err := m.Identity.GetRole(ctx, name)
	if err != nil {
		return errRoleNotAssumable()
	}
	trust, err := policy.Parse(role.AssumeRolePolicy, policy.ParseTrust)
	if err != nil {
		return errRoleNotAssumable()
	}
	if d := policy.EvaluateTrust(trust, &gofaas.Principal{Type: "Service", ARN: lambdaService, Name: lambdaService}, "sts:AssumeRole", nil); !d.Allowed {
		return errRoleNotAssumable()
	}
	return nil
}

// maintain runs periodic housekeeping until Close: expired STS sessions
// are deleted.
func (m *Main) maintain() {
	sample := time.NewTicker(time.Second)
	defer sample.Stop()
	hourly := time.NewTicker(5 * time.Minute)
	defer hourly.Stop()
	for {
		select {
		case <-m.stop:
			return
		case now := <-sample.C:
			// ConcurrentExecutions and UnreservedConcurrentExecutions.
			st := m.Pool.Stats()
			perFn := m.Pool.InFlightByFunction()
			m.Lambda.SampleConcurrency(perFn, st.Unreserved, st.InFlight, now)
			m.Prometheus.SetConcurrency(perFn)
		case now := <-hourly.C:
			if _, err := m.Identity.DeleteExpiredSessions(context.Background(), now); err != nil {
				slog.Error("delete expired sessions", "err", err)
			}
			if err := m.Metrics.Rollup(context.Background(), now); err != nil {
				slog.Error("roll up metrics", "err", err)
			}
			if _, err := m.LogStore.EnforceRetention(context.Background(), now); err != nil {
				slog.Error("enforce log retention", "err", err)
			}
		}
	}
}

// lambdaOperation names a Lambda API request's operation for Prometheus:
// its method and path with the names in it replaced by placeholders, so
// label values stay bounded ("POST /2015-03-31/functions/{}/invocations").
func lambdaOperation(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		switch segs[i-1] {
		case "functions", "aliases", "policy", "code":
			segs[i] = "{}"
		}
	}
	return r.Method + " /" + strings.Join(segs, "/")
}

// eventsPrincipal is EventBridge invoking a target.
var eventsPrincipal = &gofaas.Principal{Type: "Service", ARN: "events.amazonaws.com", Name: "events.amazonaws.com"}

// invokeTarget delivers a rule's event to a Lambda target as EventBridge
// does: asynchronously, and only if the function's resource policy allows
// events.amazonaws.com for this rule (aws:SourceArn).
func (m *Main) invokeTarget(ctx context.Context, t *gofaas.Target, r *gofaas.Rule, event []byte) error {
	ref, ok := functions.ParseFunctionName(t.Arn)
	if !ok {
		return gofaas.Errorf(gofaas.EINVALID, "Target %s is not a Lambda function", t.Arn)
	}
	ctx = gofaas.WithRequestInfo(ctx, &gofaas.RequestInfo{Region: targetRegion(t.Arn, m.Config.Region), AccountID: m.Config.AccountID})
	err := m.Authorizer.Authorize(ctx, &gofaas.AuthRequest{
		Principal:      eventsPrincipal,
		Action:         "lambda:InvokeFunction",
		Resource:       functions.ARN(ctx, ref.Name, ref.Qualifier),
		ResourcePolicy: m.Functions.PolicyDocument(ctx, ref.Name, ref.Qualifier),
		Context:        map[string][]string{"aws:SourceArn": {r.Arn}, "aws:SourceAccount": {m.Config.AccountID}},
	})
	if err != nil {
		slog.Info("rule target not invoked", "rule", r.Arn, "target", t.Arn, "reason", gofaas.ErrorMessage(err))
		return err
	}
	_, err = m.Invoker.Invoke(ctx, &gofaas.InvokeInput{FunctionName: t.Arn, InvocationType: gofaas.InvocationEvent, Payload: event})
	return err
}

var schedulerPrincipal = &gofaas.Principal{Type: "Service", ARN: "scheduler.amazonaws.com", Name: "scheduler.amazonaws.com"}

// invokeSchedule delivers a schedule's payload as EventBridge Scheduler
// does: as the target's role, which must trust scheduler.amazonaws.com and
// whose policies must allow lambda:InvokeFunction on the target.
func (m *Main) invokeSchedule(ctx context.Context, s *gofaas.Schedule, payload []byte) error {
	ref, ok := functions.ParseFunctionName(s.Target.Arn)
	if !ok {
		return gofaas.Errorf(gofaas.EINVALID, "Target %s is not a Lambda function", s.Target.Arn)
	}
	ctx = gofaas.WithRequestInfo(ctx, &gofaas.RequestInfo{Region: targetRegion(s.Target.Arn, m.Config.Region), AccountID: m.Config.AccountID})
	roleName := s.Target.RoleArn[strings.LastIndex(s.Target.RoleArn, "/")+1:]
	role, err := m.Identity.GetRole(ctx, roleName)
	if err != nil {
		return err
	}
	trust, err := policy.Parse(role.AssumeRolePolicy, policy.ParseTrust)
	if err != nil {
		return err
	}
	if d := policy.EvaluateTrust(trust, schedulerPrincipal, "sts:AssumeRole",
		map[string][]string{"aws:SourceArn": {s.Arn}, "aws:SourceAccount": {m.Config.AccountID}}); !d.Allowed {
		err := gofaas.Errorf(gofaas.EUNAUTHORIZED, "Role %s does not trust scheduler.amazonaws.com", s.Target.RoleArn)
		slog.Info("schedule target not invoked", "schedule", s.Arn, "reason", err.Message)
		return err
	}
	as := &gofaas.Principal{Type: "AssumedRole", AccountID: m.Config.AccountID, Name: roleName, SessionName: "scheduler",
		UserID: role.RoleID + ":scheduler", ARN: "arn:aws:sts::" + m.Config.AccountID + ":assumed-role/" + roleName + "/scheduler"}
	if err := m.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: as, Action: "lambda:InvokeFunction",
		Resource: functions.ARN(ctx, ref.Name, ref.Qualifier)}); err != nil {
		slog.Info("schedule target not invoked", "schedule", s.Arn, "reason", gofaas.ErrorMessage(err))
		return err
	}
	_, err = m.Invoker.Invoke(ctx, &gofaas.InvokeInput{FunctionName: s.Target.Arn, InvocationType: gofaas.InvocationEvent, Payload: payload})
	return err
}

// targetRegion is the region a target's ARN names (the function's ARN, and
// the resource its policy was written for), or def for a plain name.
func targetRegion(arn, def string) string {
	if a, err := gofaas.ParseARN(arn); err == nil && a.Region != "" {
		return a.Region
	}
	return def
}

// lambdaLogSink writes function logs, recreating a /aws/lambda/ log group
// that a caller deleted only as AWS does: when the function's execution
// role may logs:CreateLogGroup (AWS writes function logs with the role's
// permissions; gofaas creates a group on first use regardless).
type lambdaLogSink struct {
	m     *Main
	store gofaas.LogSink
	mu    sync.Mutex
	gone  map[string]bool // deleted by a caller since
}

func (s *lambdaLogSink) deleted(name string) {
	if !strings.HasPrefix(name, "/aws/lambda/") {
		return
	}
	s.mu.Lock()
	if s.gone == nil {
		s.gone = make(map[string]bool)
	}
	s.gone[name] = true
	s.mu.Unlock()
}

// PutLogEvents implements gofaas.LogSink.
func (s *lambdaLogSink) PutLogEvents(ctx context.Context, events []gofaas.LogEvent) error {
	s.mu.Lock()
	if len(s.gone) == 0 {
		s.mu.Unlock()
		return s.store.PutLogEvents(ctx, events)
	}
	gone := make(map[string]bool, len(s.gone))
	for g := range s.gone {
		gone[g] = true
	}
	s.mu.Unlock()
	allowed := map[string]bool{}
	kept := events[:0:0]
	for _, e := range events {
		if !gone[e.Group] {
			kept = append(kept, e)
			continue
		}
		ok, seen := allowed[e.Group]
		if !seen {
			ok = s.mayCreate(ctx, e.Group)
			allowed[e.Group] = ok
			if ok {
				s.mu.Lock()
				delete(s.gone, e.Group)
				s.mu.Unlock()
			}
		}
		if ok {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return s.store.PutLogEvents(ctx, kept)
}

// mayCreate reports whether the execution role of the function owning a
// /aws/lambda/ group may create it.
func (s *lambdaLogSink) mayCreate(ctx context.Context, group string) bool {
	m := s.m
	name := strings.TrimPrefix(group, "/aws/lambda/")
	fn, err := m.Functions.Resolve(ctx, name, "")
	if err != nil {
		return false
	}
	roleName := fn.Role[strings.LastIndex(fn.Role, "/")+1:]
	p := &gofaas.Principal{Type: "AssumedRole", AccountID: m.Config.AccountID, Name: roleName, SessionName: name,
		ARN: "arn:aws:sts::" + m.Config.AccountID + ":assumed-role/" + roleName + "/" + name}
	ctx = gofaas.WithRequestInfo(ctx, &gofaas.RequestInfo{Region: m.Config.Region, AccountID: m.Config.AccountID})
	return m.Authorizer.Authorize(ctx, &gofaas.AuthRequest{Principal: p, Action: "logs:CreateLogGroup",
		Resource: "arn:aws:logs:" + m.Config.Region + ":" + m.Config.AccountID + ":log-group:" + group + ":*"}) == nil
}

// invalidatingWriter calls invalidate before the response's first byte, so
// a client that sees an IAM change answered never meets a decision made on
// the policies from before it.
type invalidatingWriter struct {
	http.ResponseWriter
	invalidate func()
	done       bool
}

func (w *invalidatingWriter) WriteHeader(status int) {
	if !w.done {
		w.done = true
		w.invalidate()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *invalidatingWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
