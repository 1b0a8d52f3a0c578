package eventpattern

import (
	"strings"
	"testing"
)

var seedPatterns = []string{
	`{"source":["aws.ec2"],"detail":{"state":["terminated"]}}`,
	`{"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]}}`,
	`{"a":[{"anything-but":{"prefix":["us-","eu-"]}},{"exists":false},null,true,1.5e3]}`,
	`{"ip":[{"cidr":"10.0.0.0/24"},{"cidr":"2001:db8::/32"},"::1"]}`,
	`{"f":[{"wildcard":"*a\\*b*"},{"prefix":{"equals-ignore-case":"X"}},{"suffix":{"equals-ignore-case":"é"}}]}`,
	`{"a":{"b":[{"anything-but":[1,2]}],"$or":[{"c":[{"equals-ignore-case":"q"}]},{"d":[{"anything-but":{"wildcard":"*"}}]}]}}`,
	`{"a":[{"numeric":["=",-5e9]}],"b":[{"exists":true}]}`,
}

var seedEvents = []string{
	ec2Event,
	`{"a":[1,"x",null,{"b":[{"c":"q"}]}],"ip":"10.0.0.9","f":"Xa*b"}`,
	`{"a":{"b":3,"d":"zz"},"b":null}`,
	`{"a\u0000":"\ud83d","ip":["::1","10.0.0.0"]}`,
	`[]`,
	`{"a":[[[[[]]]]]}`,
}

// FuzzCompile checks that Compile never panics, that its errors are AWS's
// exception, and that a compiled pattern matches any event without
// panicking.
func FuzzCompile(f *testing.F) {
	for _, p := range seedPatterns {
		f.Add(p, ec2Event)
	}
	for _, tt := range []string{`{"a":[{"numeric":[">",0,"<",5,6]}]}`, `{"$or":[{"a":["x"]}]}`, `{"a":[{"cidr":"::/127"}]}`} {
		f.Add(tt, `{"a":1}`)
	}
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Compile(pattern)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "gofaas error: code=invalid message=Event pattern is not valid. Reason: ") {
				t.Fatalf("Compile(%q): unexpected error %v", pattern, err)
			}
			return
		}
		for _, ev := range seedEvents {
			p.Match([]byte(ev))
		}
		p.Match([]byte(event))
		TestEventPattern(pattern, event)
	})
}

// FuzzMatch checks that matching arbitrary events never panics and that
// a valid event's result does not depend on surrounding whitespace.
func FuzzMatch(f *testing.F) {
	for i, ev := range seedEvents {
		f.Add(uint8(i), []byte(ev))
	}
	var patterns []*Pattern
	for _, s := range seedPatterns {
		patterns = append(patterns, mustCompile(f, s))
	}
	f.Fuzz(func(t *testing.T, which uint8, event []byte) {
		p := patterns[int(which)%len(patterns)]
		got := p.Match(event)
		padded := append(append([]byte(" \n"), event...), '\t')
		if again := p.Match(padded); again != got {
			t.Fatalf("Match(%q) = %v but with whitespace around = %v", event, got, again)
		}
	})
}
