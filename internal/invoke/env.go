package invoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/sandbox"
)

// Env is an execution environment with its log stream.
type Env struct {
	env    *sandbox.Environment
	group  string
	stream string
	logs   *LogBatcher
	now    func() time.Time

	mu   sync.Mutex
	tail *bytes.Buffer

	// expires is when the environment's role credentials run out (zero
	// for none); it is retired credentialMargin before.
	expires time.Time
}

// credentialMargin is how long before its credentials expire an
// environment stops taking invocations, so none runs with stale ones.
const credentialMargin = 15 * time.Minute

// Alive implements pool.Instance.
func (e *Env) Alive() bool {
	if !e.expires.IsZero() && e.now().Add(credentialMargin).After(e.expires) {
		return false
	}
	return e.env.Alive()
}

// Close implements pool.Instance.
func (e *Env) Close() { e.env.Close() }

// output stores one line the runtime printed.
func (e *Env) output(line []byte) {
	e.write(string(line), line)
}

// platform stores a line of Lambda's own (START, END, REPORT, errors).
func (e *Env) platform(msg string) { e.write(msg, nil) }

func (e *Env) write(msg string, raw []byte) {
	if e.logs != nil {
		e.logs.Put(gofaas.LogEvent{Group: e.group, Stream: e.stream, Timestamp: e.now(), Message: msg})
	}
	e.mu.Lock()
	if e.tail != nil {
		if raw != nil {
			e.tail.Write(raw)
		} else {
			e.tail.WriteString(msg)
		}
		e.tail.WriteByte('\n')
		if e.tail.Len() > 64<<10 {
			b := e.tail.Bytes()
			keep := append([]byte(nil), b[len(b)-4096:]...)
			e.tail.Reset()
			e.tail.Write(keep)
		}
	}
	e.mu.Unlock()
}

func (e *Env) setTail(b *bytes.Buffer) {
	e.mu.Lock()
	e.tail = b
	e.mu.Unlock()
}

func (e *Env) takeTail() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tail == nil {
		return nil
	}
	b := e.tail.Bytes()
	e.tail = nil
	return b
}

// startEnv starts a new environment for fn.
func (iv *Invoker) startEnv(fn *gofaas.Function, region string, tail *bytes.Buffer) (*Env, error) {
	dir, err := iv.Code.Dir(context.Background(), fn.CodeSha256)
	if err != nil {
		return nil, err
	}
	var id [16]byte
	rand.Read(id[:])
	now := iv.Now()
	e := &Env{
		group:  "/aws/lambda/" + fn.Name,
		stream: now.UTC().Format("2006/01/02") + "/[" + fn.Version + "]" + hex.EncodeToString(id[:]),
		logs:   iv.Logs,
		now:    iv.Now,
		tail:   tail,
	}
	env := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=" + fn.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(fn.MemorySize),
		"AWS_LAMBDA_LOG_GROUP_NAME=" + e.group,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + e.stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
		"AWS_EXECUTION_ENV=AWS_Lambda_" + fn.Runtime,
		"_HANDLER=" + fn.Handler,
		"LAMBDA_TASK_ROOT=" + dir,
		"LAMBDA_RUNTIME_DIR=" + dir,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"PATH=/usr/local/bin:/usr/bin:/bin:/opt/bin",
		"LD_LIBRARY_PATH=/lib64:/usr/lib64:" + dir + ":" + dir + "/lib:/opt/lib",
	}
	if iv.Endpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL="+iv.Endpoint)
	}
	if iv.RoleCredentials != nil {
		sess, err := iv.roleCredentials(fn)
		if err != nil {
			return nil, fmt.Errorf("execution role credentials: %w", err)
		}
		if sess != nil {
			env = append(env, "AWS_ACCESS_KEY_ID="+sess.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+sess.SecretAccessKey,
				"AWS_SESSION_TOKEN="+sess.SessionToken)
			e.expires = sess.Expiration
		}
	}
	for k, v := range fn.Environment {
		env = append(env, k+"="+v)
	}
	se, err := sandbox.Start(sandbox.Config{
		Runtime:  fn.Runtime,
		Handler:  fn.Handler,
		Dir:      dir,
		Env:      env,
		MemoryMB: fn.MemorySize,
		Cgroups:  iv.Cgroups,
		Output:   e.output,
	})
	if err != nil {
		return nil, err
	}
	e.env = se
	return e, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// credentialReuse is how long a function's role credentials must still be
// valid to be given to another new environment; fresher ones are made
// otherwise. Reuse keeps the STS write off most cold starts.
const credentialReuse = time.Hour

// roleCredentials returns credentials of fn's execution role, reusing those
// of the function's other environments while they stay valid long enough.
func (iv *Invoker) roleCredentials(fn *gofaas.Function) (*gofaas.Session, error) {
	key := fn.Name + "|" + fn.Role
	iv.credMu.Lock()
	s, ok := iv.creds[key]
	iv.credMu.Unlock()
	if ok && iv.Now().Add(credentialReuse).Before(s.Expiration) {
		return s, nil
	}
	s, err := iv.RoleCredentials(context.Background(), fn)
	if err != nil || s == nil {
		return s, err
	}
	iv.credMu.Lock()
	if iv.creds == nil || len(iv.creds) > 10000 {
		iv.creds = make(map[string]*gofaas.Session)
	}
	iv.creds[key] = s
	iv.credMu.Unlock()
	return s, nil
}
