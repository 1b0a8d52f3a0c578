package logfilter_test

import (
	"errors"
	"testing"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/logfilter"
)

// Log events from AWS's "Filter pattern syntax" page and its examples.
const (
	errorLine   = `[ERROR 400] BAD REQUEST`
	errorLine2  = `[ERROR 401] UNAUTHORIZED REQUEST`
	errorLine3  = `[ERROR 419] MISSING ARGUMENTS`
	errorLine4  = `[ERROR 420] INVALID ARGUMENTS`
	warnLine    = `[WARN] Exiting: no more work`
	infoLine    = `[INFO] 200 OK`
	apacheLine  = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`
	apache404   = `127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 404 1534`
	apacheSmall = `10.0.0.2 - bob [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 404 20`
	jsonEvent   = `{"eventType":"UpdateTrail","sourceIPAddress":"123.123.123.123","arrayKey":["value","another value"],
		"objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null,"cluster.name":"c",
		"ThisFlag":true,"latency":250,"level":"error","user":{"id":1,"email":"John.Doe@example.com"},
		"users":[{"id":2,"email":"John.Doe@example.com"},{"id":3}],"actions":["GET","PUT","DELETE"],"errorCode":"AccessDenied"}`
	jsonInfo = `{"level":"info","latency":50,"ThisFlag":false}`
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern string
		msg     string
		want    bool
	}{
		// Everything.
		{"", "anything", true},
		{`""`, "anything", true},
		{`" "`, "anything", true},
		// Terms: case-sensitive substrings, all of them, any order.
		{"ERROR", errorLine, true},
		{"ERROR", infoLine, false},
		{"error", errorLine, false},
		{"ERROR ARGUMENTS", errorLine3, true},
		{"ARGUMENTS ERROR", errorLine4, true},
		{"ERROR ARGUMENTS", errorLine, false},
		{`"BAD REQUEST"`, errorLine, true},
		{`"BAD REQUEST"`, errorLine2, false},
		{`"ERROR 400"`, errorLine, true},
		{`"quote \" inside"`, `a quote " inside`, true},
		// ? alternatives, - exclusions.
		{"?ERROR ?WARN", errorLine, true},
		{"?ERROR ?WARN", warnLine, true},
		{"?ERROR ?WARN", infoLine, false},
		{"ERROR -MISSING", errorLine3, false},
		{"ERROR -MISSING", errorLine4, true},
		{`-"BAD REQUEST"`, infoLine, true},
		{"ERROR ?400 ?401", errorLine2, true},
		{"ERROR ?400 ?401", errorLine3, false},
		// Regular expressions.
		{`%ERROR 4[01][0-9]%`, errorLine3, true},
		{`%ERROR 5[0-9]{2}%`, errorLine3, false},
		// JSON: strings, wildcards, numbers.
		{`{ $.eventType = "UpdateTrail" }`, jsonEvent, true},
		{`{ $.eventType = UpdateTrail }`, jsonEvent, true},
		{`{ $.eventType = "Update*" }`, jsonEvent, true},
		{`{ $.eventType = "*Trail" }`, jsonEvent, true},
		{`{ $.eventType = "Delete*" }`, jsonEvent, false},
		{`{ $.eventType != "UpdateTrail" }`, jsonEvent, false},
		{`{ $.eventType != "DeleteTrail" }`, jsonEvent, true},
		{`{ $.sourceIPAddress != 123.123.* }`, jsonEvent, false},
		{`{ $.level = "error" }`, jsonEvent, true},
		{`{ $.level = "error" }`, jsonInfo, false},
		{`{ $.latency > 100 }`, jsonEvent, true},
		{`{ $.latency > 100 }`, jsonInfo, false},
		{`{ $.latency >= 250 }`, jsonEvent, true},
		{`{ $.latency <= 50 }`, jsonInfo, true},
		{`{ $.latency < 50 }`, jsonInfo, false},
		{`{ $.latency = 250 }`, jsonEvent, true},
		{`{ $.latency != 250 }`, jsonInfo, true},
		{`{ $.latency > 1e2 }`, jsonEvent, true},
		{`{ $.level > 1 }`, jsonEvent, false},
		// JSON: arrays and nesting.
		{`{ $.arrayKey[0] = "value" }`, jsonEvent, true},
		{`{ $.arrayKey[1] = "value" }`, jsonEvent, false},
		{`{ $.objectList[1].id = 2 }`, jsonEvent, true},
		{`{ $.objectList[*].name = "b" }`, jsonEvent, true},
		{`{ $.user.email = "John.Doe@example.com" }`, jsonEvent, true},
		{`{ $.users[0].email = "John.Doe@example.com" }`, jsonEvent, true},
		{`{ $.users[1].email = "John.Doe@example.com" }`, jsonEvent, false},
		// JSON: IS NULL, NOT EXISTS, IS TRUE/FALSE.
		{`{ $.SomeObject IS NULL }`, jsonEvent, true},
		{`{ $.level IS NULL }`, jsonEvent, false},
		{`{ $.SomeOtherObject NOT EXISTS }`, jsonEvent, true},
		{`{ $.SomeObject NOT EXISTS }`, jsonEvent, false},
		{`{ $.ThisFlag IS TRUE }`, jsonEvent, true},
		{`{ $.ThisFlag IS FALSE }`, jsonInfo, true},
		{`{ $.ThisFlag IS TRUE }`, jsonInfo, false},
		// JSON: compound expressions.
		{`{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, jsonEvent, true},
		{`{ ($.user.id = 2 && $.users[0].email = "John.Doe@example.com") || $.actions[2] = "GET" }`, jsonEvent, false},
		{`{ ($.user.id = 2 && $.users[0].email = "John.Doe@example.com") || $.actions[2] = "DELETE" }`, jsonEvent, true},
		{`{ $.errorCode = "AccessDenied" || $.errorCode = "Unauthorized" }`, jsonEvent, true},
		{`{ $.level = "info" || $.latency > 100 && $.level = "warn" }`, jsonEvent, false},
		{`{ $.errorCode = %Access.*% }`, jsonEvent, true},
		// JSON patterns need JSON events.
		{`{ $.level = "error" }`, `level=error`, false},
		{`{ $.level = "error" }`, `{"level":`, false},
		// Space-delimited.
		{`[ip, user, username, timestamp, request, status_code, bytes]`, apacheLine, true},
		{`[ip, user, username, timestamp, request, status_code]`, apacheLine, false},
		{`[ip, user, username, timestamp, request, status_code = 404, bytes]`, apache404, true},
		{`[ip, user, username, timestamp, request, status_code = 404, bytes]`, apacheLine, false},
		{`[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]`, apache404, true},
		{`[ip, user, username, timestamp, request = *html*, status_code != 4*, bytes]`, apache404, false},
		{`[ip = 10.0.0.*, ...]`, apacheSmall, true},
		{`[ip = 10.0.0.*, ...]`, apacheLine, false},
		{`[..., status_code = 404, size > 1000]`, apache404, true},
		{`[..., status_code = 404, size > 1000]`, apacheSmall, false},
		{`[..., status_code >= 400 && status_code < 500, size]`, apache404, true},
		{`[..., status_code = 200 || status_code = 404, size]`, apacheLine, true},
		{`[ip, ..., size < 100]`, apacheSmall, true},
		{`[ip, ..., request, ..., size]`, apacheLine, true},
		{`[timestamp = "10/Oct/2000:13:25:15 -0700", ...]`, apacheLine, false},
		{`[ip, user, username, timestamp = "10/Oct/2000:13:25:15 -0700", ...]`, apacheLine, true},
		{`[..., status_code = %40[0-9]%, size]`, apache404, true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := logfilter.Parse(tt.pattern)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.pattern, err)
			}
			if got := p.Match(tt.msg); got != tt.want {
				t.Fatalf("Match(%q) = %v, want %v", tt.msg, got, tt.want)
			}
			// Terms are a necessary condition: a match holds them all.
			if tt.want {
				for _, term := range p.Terms() {
					if !contains(tt.msg, term) {
						t.Fatalf("Terms() = %q, but %q matches without %q", p.Terms(), tt.msg, term)
					}
				}
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestTerms(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"ERROR", []string{"ERROR"}},
		{`ERROR "bad thing" -x ?y`, []string{"ERROR", "bad thing"}},
		{"?a ?b", nil},
		{`{ $.a = 1 }`, nil},
		{`[a, b]`, nil},
		{``, nil},
	}
	for _, tt := range tests {
		p, err := logfilter.Parse(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Terms()
		if len(got) != len(tt.want) {
			t.Fatalf("Terms(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("Terms(%q) = %q, want %q", tt.pattern, got, tt.want)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, pattern := range []string{
		`"unterminated`,
		`?`,
		`ERROR -`,
		"?\t",
		"-\nx",
		`%unterminated`,
		`%%`,
		`%[%`,
		`{ $.a = }`,
		`{ $.a = 1`,
		`{ a = 1 }`,
		`{ $.a == 1 }`,
		`{ $.a > "x" }`,
		`{ $.a IS MAYBE }`,
		`{ $.a NOT THERE }`,
		`{ ($.a = 1 }`,
		`{ $.a = 1 } trailing`,
		`{ $.a[x] = 1 }`,
		`{ $. = 1 }`,
		`{ $.a = 1 && }`,
		`{}`,
		`[]`,
		`[a, b`,
		`[a b]`,
		`[a, b > x]`,
		`[a, = 1]`,
		`[a,, b]`,
	} {
		t.Run(pattern, func(t *testing.T) {
			_, err := logfilter.Parse(pattern)
			var e *gofaas.Error
			if !errors.As(err, &e) || e.Type != "InvalidParameterException" || e.Message != "Invalid filter pattern" || e.Code != gofaas.EINVALID {
				t.Fatalf("Parse(%q) = %v, want InvalidParameterException: Invalid filter pattern", pattern, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"ERROR", `"a b" ?c -d`, `%a+b%`, `{ $.a = "x*" && ($.b > 1 || $.c IS NULL) }`,
		`{ $.a[0].b[*] NOT EXISTS }`, `[ip, ..., status = 4* || status = 5*, size > 10]`, `[...]`, `""`} {
		f.Add(s, apacheLine)
		f.Add(s, jsonEvent)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := logfilter.Parse(pattern)
		if err != nil {
			var e *gofaas.Error
			if !errors.As(err, &e) || e.Code != gofaas.EINVALID {
				t.Fatalf("Parse(%q) error %v is not EINVALID", pattern, err)
			}
			return
		}
		got := p.Match(msg)
		if got {
			for _, term := range p.Terms() {
				if !contains(msg, term) {
					t.Fatalf("%q matches %q without its term %q", pattern, msg, term)
				}
			}
		}
	})
}
