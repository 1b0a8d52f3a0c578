package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// coldStats summarises a cold-start run.
type coldStats struct {
	Target  string   `json:"target"`
	Mode    string   `json:"mode"`
	N       int      `json:"n"`
	Errors  int      `json:"errors"`
	P50ms   float64  `json:"p50_ms"`
	P90ms   float64  `json:"p90_ms"`
	Maxms   float64  `json:"max_ms"`
	Extra   []series `json:"extra,omitempty"`
	Samples []string `json:"first_errors,omitempty"`
}

// series is a further measurement of the same run.
type series struct {
	Name  string  `json:"name"`
	P50ms float64 `json:"p50_ms"`
	Maxms float64 `json:"max_ms"`
}

// coldGofaas creates cfg.cold new functions from cfg.zip, one after another, and
// times the first invoke of each (process start and init included), then a
// second, warm one; each function is deleted after.
func coldGofaas(ctx context.Context, c *client, cfg *config, out io.Writer) error {
	zip, err := readZip(cfg.zip)
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("%s-cold-%d-%d", cfg.function, os.Getpid(), time.Now().Unix()%100000)
	var creates, colds, warms []time.Duration
	st := &coldStats{Target: cfg.target, Mode: "first invoke of a new function", N: cfg.cold}
	var buf bytes.Buffer
	for i := range cfg.cold {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		name := prefix + "-" + strconv.Itoa(i)
		err := func() error {
			rctx, cancel := context.WithTimeout(ctx, cfg.timeout)
			defer cancel()
			t0 := time.Now()
			if _, err := c.createFunction(rctx, name, zip); err != nil {
				return err
			}
			t1 := time.Now()
			defer c.deleteFunction(context.WithoutCancel(rctx), name)
			if err := c.invokeFunction(rctx, name, &buf); err != nil {
				return fmt.Errorf("first invoke of %s: %w", name, err)
			}
			t2 := time.Now()
			if err := c.invokeFunction(rctx, name, &buf); err != nil {
				return fmt.Errorf("second invoke of %s: %w", name, err)
			}
			creates = append(creates, t1.Sub(t0))
			colds = append(colds, t2.Sub(t1))
			warms = append(warms, time.Since(t2))
			return nil
		}()
		if err != nil {
			st.Errors++
			if len(st.Samples) < 3 {
				st.Samples = append(st.Samples, err.Error())
			}
		}
	}
	fill(st, colds)
	st.Extra = []series{summarise("create-function", creates), summarise("second invoke", warms)}
	return printCold(out, cfg, st)
}

// coldRIE starts the emulator cfg.cold times, one after another, and times from
// the start of its process to the first answer of an invoke, which includes the
// start and init of the function's process.
func coldRIE(ctx context.Context, c *client, cfg *config, out io.Writer) error {
	bin, err := exec.LookPath(cfg.rieBin)
	if err != nil {
		return err
	}
	st := &coldStats{Target: cfg.target, Mode: "emulator launch to first answer", N: cfg.cold}
	var lats []time.Duration
	var buf bytes.Buffer
	for range cfg.cold {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lat, err := launchRIE(ctx, c, cfg, bin, &buf)
		if err != nil {
			st.Errors++
			if len(st.Samples) < 3 {
				st.Samples = append(st.Samples, err.Error())
			}
			continue
		}
		lats = append(lats, lat)
	}
	fill(st, lats)
	return printCold(out, cfg, st)
}

// launchRIE starts one emulator on free loopback ports, polls it with invokes
// until one is answered (at most 10 s), and stops its process group.
func launchRIE(ctx context.Context, c *client, cfg *config, bin string, buf *bytes.Buffer) (time.Duration, error) {
	rie, err := freePort()
	if err != nil {
		return 0, err
	}
	api, err := freePort()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(bin,
		"--runtime-interface-emulator-address", "127.0.0.1:"+strconv.Itoa(rie),
		"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(api),
		cfg.bootstrap)
	cmd.Env = append(os.Environ(), "LOG_LEVEL=error")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	u := "http://127.0.0.1:" + strconv.Itoa(rie) + "/2015-03-31/functions/function/invocations"
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the emulator and the function
		_ = cmd.Wait()
	}()
	deadline := t0.Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		rctx, cancel := context.WithDeadline(ctx, deadline)
		err := c.invokeURLPayload(rctx, u, cfg.payload, "", buf)
		cancel()
		if err == nil {
			return time.Since(t0), nil
		}
		last = err
		var op *net.OpError
		if !errors.As(err, &op) {
			return 0, err // answered, but not well
		}
		time.Sleep(200 * time.Microsecond)
	}
	return 0, fmt.Errorf("emulator did not answer within 10 s: %v", last)
}

// freePort returns a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// fill sets the percentiles of st from lats.
func fill(st *coldStats, lats []time.Duration) {
	slices.Sort(lats)
	st.P50ms = ms(percentile(lats, 50))
	st.P90ms = ms(percentile(lats, 90))
	if len(lats) > 0 {
		st.Maxms = ms(lats[len(lats)-1])
	}
}

// summarise returns the p50 and max of lats.
func summarise(name string, lats []time.Duration) series {
	slices.Sort(lats)
	s := series{Name: name, P50ms: ms(percentile(lats, 50))}
	if len(lats) > 0 {
		s.Maxms = ms(lats[len(lats)-1])
	}
	return s
}

// printCold writes st and fails if every attempt failed.
func printCold(out io.Writer, cfg *config, st *coldStats) error {
	if cfg.jsonOut {
		if err := json.NewEncoder(out).Encode(st); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "%s cold start (%s), n %d, errors %d\n", st.Target, st.Mode, st.N, st.Errors)
		fmt.Fprintf(out, "  p50 %.3fms  p90 %.3fms  max %.3fms\n", st.P50ms, st.P90ms, st.Maxms)
		for _, s := range st.Extra {
			fmt.Fprintf(out, "  %s: p50 %.3fms  max %.3fms\n", s.Name, s.P50ms, s.Maxms)
		}
		for _, e := range st.Samples {
			fmt.Fprintf(out, "  error: %s\n", e)
		}
	}
	if st.Errors > 0 {
		return fmt.Errorf("%d of %d cold starts failed", st.Errors, st.N)
	}
	return nil
}

// deploy creates cfg.function from the zip cfg.deploy, deleting any function of
// that name first.
func deploy(ctx context.Context, c *client, cfg *config, out io.Writer) error {
	zip, err := readZip(cfg.deploy)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := c.deleteFunction(ctx, cfg.function); err != nil {
		return err
	}
	sha, err := c.createFunction(ctx, cfg.function, zip)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s (%s, %s) CodeSha256 %s\n", cfg.function, cfg.runtime, cfg.handler, sha)
	return nil
}
