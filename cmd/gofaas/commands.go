package main

import (
	"path/filepath"
	"strings"

	"fmt"
	"github.com/gofaas/gofaas/internal/rootkey"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "gofaas",
		Short:         "The AWS serverless stack as one self-hosted binary",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServeCommand(), newCredentialsCommand(), &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Run:   func(cmd *cobra.Command, args []string) { fmt.Println("gofaas", Version) },
	})
	return root
}

func newServeCommand() *cobra.Command {
	m := NewMain()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve every API on one port",
		Long: `Serve Lambda (and, as they land, the other services) on one port.

Every flag can also be set with a GOFAAS_* environment variable, e.g.
GOFAAS_LISTEN=127.0.0.1:4566 or GOFAAS_DATA=/var/lib/gofaas; flags win.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if err := m.Run(cmd.Context()); err != nil {
				m.Close()
				return err
			}
			<-cmd.Context().Done()
			fmt.Fprintln(os.Stderr, "gofaas: shutting down")
			return m.Close()
		},
	}
	c := &m.Config
	f := cmd.Flags()
	f.StringVar(&c.Listen, "listen", c.Listen, "address to listen on (port 0 picks one)")
	f.StringVar(&c.DataDir, "data", c.DataDir, "data directory (SQLite database, function code)")
	f.StringVar(&c.AccountID, "account-id", c.AccountID, "the 12-digit AWS account id gofaas plays")
	f.StringVar(&c.Region, "region", c.Region, "region used when a request names none")
	f.BoolVar(&c.Dev, "dev", c.Dev, "accept the well-known root credentials test/test")
	f.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "how long an unused execution environment stays warm")
	f.DurationVar(&c.AsyncRetryDelay, "async-retry-delay", c.AsyncRetryDelay, "wait before the first retry of a failed asynchronous invocation (the second waits twice as long); AWS waits about 1 minute")
	f.IntVar(&c.AccountConcurrency, "account-concurrency", c.AccountConcurrency, "the account's concurrent executions limit")
	f.BoolVar(&c.NoLimits, "no-limits", c.NoLimits, "do not put environments in memory cgroups even where the host allows it")
	f.BoolVar(&c.Pprof, "pprof", c.Pprof, "serve Go's profiler at /debug/pprof/ (for gofaas developers)")
	f.MarkHidden("pprof")
	return cmd
}

// applyEnv sets every flag not given on the command line from its
// GOFAAS_* variable (--data → GOFAAS_DATA, --idle-timeout →
// GOFAAS_IDLE_TIMEOUT).
func applyEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "GOFAAS_" + envName(f.Name)
		if v, ok := os.LookupEnv(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

func envName(flag string) string {
	b := []byte(flag)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func newCredentialsCommand() *cobra.Command {
	c := DefaultConfig()
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Print the export lines that point the aws CLI at gofaas with the root key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			k, err := rootkey.Load(filepath.Join(c.DataDir, rootkey.FileName))
			if err != nil {
				return fmt.Errorf("no root key in %s (has `gofaas serve --data %s` run?): %w", c.DataDir, c.DataDir, err)
			}
			endpoint := c.Listen
			if !strings.Contains(endpoint, "://") {
				endpoint = "http://" + endpoint
			}
			fmt.Fprintf(cmd.OutOrStdout(), "export AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n",
				endpoint, c.Region, k.AccessKeyID, k.SecretAccessKey)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.DataDir, "data", c.DataDir, "data directory")
	f.StringVar(&c.Listen, "listen", c.Listen, "the address gofaas serves on")
	f.StringVar(&c.Region, "region", c.Region, "region to print")
	return cmd
}
