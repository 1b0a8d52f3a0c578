package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/gofaas/gofaas/internal/testfn"
)

// TestLambdaMetrics: the runtime's AWS/Lambda metrics, read back with the
// SDK's CloudWatch client (RPC v2 CBOR), count exactly what the test did;
// /metrics shows the same in Prometheus' format.
func TestLambdaMetrics(t *testing.T) {
	m := testServer(t)
	c := lambdaClient(t, m, "us-east-1")
	ctx := testContext(t)
	createFunction(t, c, "metered", "provided.al2023", "bootstrap", testfn.Build(t, "behave", "bootstrap"))
	start := time.Now().Add(-time.Minute)
	for i := 0; i < 5; i++ {
		invokeFn(t, c, "metered", map[string]any{"op": "sleep", "ms": 5})
	}
	for i := 0; i < 2; i++ {
		invokeFn(t, c, "metered", map[string]any{"op": "error"})
	}
	end := time.Now().Add(time.Minute)

	cw := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	stat := func(name string, stats ...cwtypes.Statistic) cwtypes.Datapoint {
		t.Helper()
		out, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
			Namespace: aws.String("AWS/Lambda"), MetricName: aws.String(name),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("metered")}},
			StartTime:  aws.Time(start), EndTime: aws.Time(end), Period: aws.Int32(3600), Statistics: stats,
		})
		if err != nil {
			t.Fatalf("GetMetricStatistics %s: %v", name, err)
		}
		if len(out.Datapoints) != 1 {
			t.Fatalf("%s: %d datapoints, want 1 (one period)", name, len(out.Datapoints))
		}
		return out.Datapoints[0]
	}
	if got := aws.ToFloat64(stat("Invocations", cwtypes.StatisticSum).Sum); got != 7 {
		t.Errorf("Invocations Sum = %v, want 7", got)
	}
	if got := aws.ToFloat64(stat("Errors", cwtypes.StatisticSum).Sum); got != 2 {
		t.Errorf("Errors Sum = %v, want 2", got)
	}
	d := stat("Duration", cwtypes.StatisticMinimum, cwtypes.StatisticMaximum, cwtypes.StatisticSampleCount)
	if aws.ToFloat64(d.SampleCount) != 7 || aws.ToFloat64(d.Minimum) <= 0 || aws.ToFloat64(d.Maximum) < 5 || aws.ToFloat64(d.Maximum) > 3000 {
		t.Errorf("Duration = count %v min %v max %v, want 7 samples, max ≥ 5 ms", aws.ToFloat64(d.SampleCount), aws.ToFloat64(d.Minimum), aws.ToFloat64(d.Maximum))
	}

	resp, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `function="metered"`) || !strings.Contains(string(body), "gofaas_lambda_invocations_total") {
		t.Errorf("/metrics lacks the function's counters:\n%.2000s", body)
	}
}
