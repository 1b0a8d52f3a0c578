package cloudwatchapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAWSCLI drives the handler with the real aws CLIs found on the
// machine: v1 (first on PATH; its botocore picks JSON 1.0) and v2 at
// /usr/bin/aws (the Debian build; the query protocol). It skips a CLI
// that is not installed.
func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the aws CLI")
	}
	clis := map[string]string{}
	if p, err := exec.LookPath("aws"); err == nil {
		clis["PATH"] = p
	}
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		clis["v2"] = "/usr/bin/aws"
	}
	if len(clis) == 0 {
		t.Skip("no aws CLI")
	}
	for name, bin := range clis {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.setNow(time.Now().UTC())
			dir := t.TempDir()
			exe := func(args ...string) ([]byte, error) {
				cmd := exec.Command(bin, append([]string{"--endpoint-url", e.srv.URL, "--region", "us-east-1", "--output", "json"}, args...)...)
				cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=root", "AWS_SECRET_ACCESS_KEY=secret",
					"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "creds"),
					"AWS_PAGER=")
				return cmd.CombinedOutput()
			}
			run := func(args ...string) map[string]any {
				t.Helper()
				out, err := exe(args...)
				if err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				var v map[string]any
				if len(strings.TrimSpace(string(out))) > 0 {
					if err := json.Unmarshal(out, &v); err != nil {
						t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
					}
				}
				return v
			}
			ts := e.now().Add(-2 * time.Minute).Truncate(time.Minute)
			stamp := ts.Format(time.RFC3339)
			for _, v := range []string{"10", "20", "30", "40"} {
				run("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-name", "Latency",
					"--dimensions", "Service=api", "--unit", "Milliseconds", "--value", v, "--timestamp", stamp)
			}
			run("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data",
				`[{"MetricName":"Latency","Dimensions":[{"Name":"Service","Value":"api"}],"Unit":"Milliseconds","Timestamp":"`+stamp+
					`","StatisticValues":{"SampleCount":2,"Sum":100,"Minimum":50,"Maximum":50}}]`)
			start, end := ts.Add(-time.Minute).Format(time.RFC3339), e.now().Add(time.Minute).Format(time.RFC3339)
			s := run("cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Latency",
				"--dimensions", "Name=Service,Value=api", "--start-time", start, "--end-time", end, "--period", "60",
				"--statistics", "Sum", "SampleCount", "Maximum")
			dps, _ := s["Datapoints"].([]any)
			if len(dps) != 1 || s["Label"] != "Latency" {
				t.Fatalf("get-metric-statistics = %v", s)
			}
			dp := dps[0].(map[string]any)
			if dp["Sum"] != 200.0 || dp["SampleCount"] != 6.0 || dp["Maximum"] != 50.0 || dp["Unit"] != "Milliseconds" {
				t.Errorf("datapoint = %v", dp)
			}
			s = run("cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Latency",
				"--dimensions", "Name=Service,Value=api", "--start-time", start, "--end-time", end, "--period", "60",
				"--extended-statistics", "p99", "p50")
			dps, _ = s["Datapoints"].([]any)
			if len(dps) != 1 {
				t.Fatalf("get-metric-statistics p99 = %v", s)
			}
			ext, _ := dps[0].(map[string]any)["ExtendedStatistics"].(map[string]any)
			if p99, _ := ext["p99"].(float64); p99 < 50*(1-0.008) || p99 > 50 {
				t.Errorf("p99 = %v, want 50", ext)
			}
			if p50, _ := ext["p50"].(float64); p50 < 30*(1-0.008) || p50 > 30*(1+0.008) {
				t.Errorf("p50 = %v, want 30", ext)
			}
			l := run("cloudwatch", "list-metrics", "--namespace", "App")
			ms, _ := l["Metrics"].([]any)
			if len(ms) != 1 || ms[0].(map[string]any)["MetricName"] != "Latency" {
				t.Fatalf("list-metrics = %v", l)
			}
			d := run("cloudwatch", "get-metric-data", "--start-time", start, "--end-time", end, "--metric-data-queries",
				`[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Latency","Dimensions":[{"Name":"Service","Value":"api"}]},"Period":60,"Stat":"Sum"}},`+
					`{"Id":"e1","Expression":"m1 * 2","Label":"Doubled"}]`)
			rs, _ := d["MetricDataResults"].([]any)
			if len(rs) != 2 {
				t.Fatalf("get-metric-data = %v", d)
			}
			if vals := rs[1].(map[string]any)["Values"].([]any); len(vals) != 1 || vals[0] != 400.0 {
				t.Errorf("e1 = %v", rs[1])
			}
			// An error decodes with its code and message.
			out, err := exe("cloudwatch", "put-metric-data", "--namespace", "AWS/Lambda", "--metric-name", "X", "--value", "1")
			if err == nil || !strings.Contains(string(out), "InvalidParameterValue") ||
				!strings.Contains(string(out), "The value AWS/Lambda for parameter Namespace is invalid.") {
				t.Errorf("reserved namespace: %v\n%s", err, out)
			}
		})
	}
}
