package sigv4_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gofaas/gofaas/internal/sigv4"
)

// A typical Lambda invoke: ARN in the path, 1 KB JSON body, the SDK's usual
// headers, a warm key cache.
func BenchmarkVerify(b *testing.B) {
	payload := `{"data":"` + strings.Repeat("x", 1024-11) + `"}`
	r, body := signed{method: "POST", url: "https://" + lambdaHost + invokeARN, body: payload, service: "lambda",
		headers: map[string]string{
			"Content-Type":          "application/json",
			"X-Amz-Invocation-Type": "RequestResponse",
			"X-Amz-Log-Type":        "None",
			"Amz-Sdk-Invocation-Id": "6b1c1f9e-7d0c-4b8e-9d5e-0b7a7c3f2a11",
			"Amz-Sdk-Request":       "attempt=1; max=3",
			"User-Agent":            "aws-sdk-go-v2/1.48.0 os/linux lang/go#1.26 md/GOOS#linux api/lambda#1.114.4",
		}}.sign(b)
	v := &sigv4.Verifier{Credentials: testStore(), Now: func() time.Time { return signTime }}
	ctx := context.Background()
	if _, err := v.Verify(ctx, r, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Verify(ctx, r, body); err != nil {
			b.Fatal(err)
		}
	}
}
