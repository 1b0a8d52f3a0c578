package eventpattern

import (
	"errors"
	"strings"
	"testing"

	"github.com/gofaas/gofaas"
)

// ec2Event is the example event of AWS's "Amazon EventBridge event
// patterns" page, with a few fields added for the operators.
const ec2Event = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-12-22T18:43:48Z",
  "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {
    "instance-id": "i-1234567890abcdef0",
    "state": "terminated",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    "FileName": "image.png",
    "eventVersion": "",
    "responseElements": null,
    "tags": ["prod", "web"],
    "owner": {"name": "alice"}
  }
}`

func mustCompile(t testing.TB, pattern string) *Pattern {
	t.Helper()
	p, err := Compile(pattern)
	if err != nil {
		t.Fatalf("Compile(%s): %v", pattern, err)
	}
	return p
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		event   string // ec2Event when empty
		want    bool
	}{
		// Exact values, nesting, ignored keys (eb-create-pattern).
		{"exact", `{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}`, "", true},
		{"exact miss", `{"source":["aws.ec2"],"detail":{"state":["running"]}}`, "", false},
		{"values are OR", `{"source":["aws.ec2","aws.fargate"]}`, "", true},
		{"case sensitive", `{"source":["AWS.EC2"]}`, "", false},
		{"missing field", `{"detail":{"nope":["x"]}}`, "", false},
		{"missing parent", `{"nope":{"x":["y"]}}`, "", false},
		{"nested object is not a leaf", `{"detail":{"owner":["alice"]}}`, "", false},
		{"nested object", `{"detail":{"owner":{"name":["alice"]}}}`, "", true},
		{"string is not number", `{"detail":{"c-count":["5"]}}`, "", false},
		{"number is not string", `{"account":[111122223333]}`, "", false},
		// Null and empty strings (eb-event-patterns-null-values).
		{"empty string", `{"detail":{"eventVersion":[""]}}`, "", true},
		{"null", `{"detail":{"responseElements":[null]}}`, "", true},
		{"empty string is not null", `{"detail":{"responseElements":[""]}}`, "", false},
		{"null is not empty string", `{"detail":{"eventVersion":[null]}}`, "", false},
		{"true", `{"a":[true]}`, `{"a":true}`, true},
		{"true is not string", `{"a":[true]}`, `{"a":"true"}`, false},
		{"false", `{"a":[false]}`, `{"a":false}`, true},
		// Arrays in the event: any element.
		{"event array", `{"detail":{"tags":["web"]}}`, "", true},
		{"event array miss", `{"detail":{"tags":["dev"]}}`, "", false},
		{"resources", `{"resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}`, "", true},
		{"arrays both sides", `{"a":["x","y","z"]}`, `{"a":["q","z"]}`, true},
		{"nested arrays", `{"a":[3]}`, `{"a":[[1,2],[3]]}`, true},
		{"empty event array", `{"a":["x"]}`, `{"a":[]}`, false},
		{"array of objects", `{"a":{"b":["2"]}}`, `{"a":[{"b":"1"},{"b":"2"}]}`, true},
		{"array consistency", `{"a":{"b":["1"],"c":["4"]}}`, `{"a":[{"b":"1","c":"3"},{"b":"2","c":"4"}]}`, false},
		{"array consistency match", `{"a":{"b":["2"],"c":["4"]}}`, `{"a":[{"b":"1","c":"3"},{"b":"2","c":"4"}]}`, true},
		// Numbers compare numerically (eb-create-pattern-operators).
		{"number int", `{"detail":{"c-count":[5]}}`, "", true},
		{"number float form", `{"detail":{"c-count":[5.0]}}`, "", true},
		{"number exponent", `{"detail":{"x-limit":[3.018e2]}}`, "", true},
		{"number exponent event", `{"a":[300]}`, `{"a":3.0E2}`, true},
		{"number negative", `{"a":[-1.5]}`, `{"a":-15e-1}`, true},
		{"number miss", `{"detail":{"c-count":[6]}}`, "", false},
		{"big number literal", `{"a":[123456789012]}`, `{"a":123456789012}`, true},
		{"big number only literally", `{"a":[123456789012]}`, `{"a":123456789012.0}`, false},
		// prefix, suffix, equals-ignore-case.
		{"prefix", `{"time":[{"prefix":"2017-12-22"}]}`, "", true},
		{"prefix miss", `{"time":[{"prefix":"2017-10-02"}]}`, "", false},
		{"prefix number", `{"a":[{"prefix":"1"}]}`, `{"a":12}`, false},
		{"prefix ignore case", `{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}`, `{"service":"EventBridge"}`, true},
		{"prefix ignore case miss", `{"service":[{"prefix":{"equals-ignore-case":"eventc"}}]}`, `{"service":"EventBridge"}`, false},
		{"suffix", `{"detail":{"FileName":[{"suffix":".png"}]}}`, "", true},
		{"suffix miss", `{"detail":{"FileName":[{"suffix":".jpg"}]}}`, "", false},
		{"suffix ignore case", `{"service":[{"suffix":{"equals-ignore-case":"tbridge"}}]}`, `{"service":"EventBridge"}`, true},
		{"suffix ignore case unicode", `{"a":[{"suffix":{"equals-ignore-case":"ÉTÉ"}}]}`, `{"a":"l'été"}`, true},
		{"equals ignore case", `{"name":[{"equals-ignore-case":"alice"}]}`, `{"name":"ALICE"}`, true},
		{"equals ignore case miss", `{"name":[{"equals-ignore-case":"alice"}]}`, `{"name":"alicia"}`, false},
		{"exactly", `{"name":[{"exactly":"alice"}]}`, `{"name":"alice"}`, true},
		// anything-but.
		{"anything-but", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, "", true},
		{"anything-but miss", `{"detail":{"state":[{"anything-but":"terminated"}]}}`, "", false},
		{"anything-but absent", `{"detail":{"nope":[{"anything-but":"x"}]}}`, "", false},
		{"anything-but null", `{"detail":{"responseElements":[{"anything-but":"x"}]}}`, "", true},
		{"anything-but number", `{"x-limit":[{"anything-but":123}]}`, `{"x-limit":124}`, true},
		{"anything-but number miss", `{"x-limit":[{"anything-but":123}]}`, `{"x-limit":123.0}`, false},
		{"anything-but list", `{"state":[{"anything-but":["stopped","overloaded"]}]}`, `{"state":"running"}`, true},
		{"anything-but list miss", `{"state":[{"anything-but":["stopped","overloaded"]}]}`, `{"state":"overloaded"}`, false},
		{"anything-but numbers", `{"x-limit":[{"anything-but":[100,200,300]}]}`, `{"x-limit":3e2}`, false},
		{"anything-but numbers other", `{"x-limit":[{"anything-but":[100,200,300]}]}`, `{"x-limit":301}`, true},
		{"anything-but any array element", `{"a":[{"anything-but":"x"}]}`, `{"a":["x","y"]}`, true},
		{"anything-but array all excluded", `{"a":[{"anything-but":"x"}]}`, `{"a":["x","x"]}`, false},
		{"anything-but prefix", `{"state":[{"anything-but":{"prefix":"init"}}]}`, `{"state":"running"}`, true},
		{"anything-but prefix miss", `{"state":[{"anything-but":{"prefix":"init"}}]}`, `{"state":"initializing"}`, false},
		{"anything-but prefix list", `{"r":[{"anything-but":{"prefix":["us-","eu-"]}}]}`, `{"r":"eu-west-1"}`, false},
		{"anything-but suffix", `{"f":[{"anything-but":{"suffix":".png"}}]}`, `{"f":"a.txt"}`, true},
		{"anything-but suffix miss", `{"f":[{"anything-but":{"suffix":".png"}}]}`, `{"f":"a.png"}`, false},
		{"anything-but ignore case", `{"state":[{"anything-but":{"equals-ignore-case":["Stopped","OverLoaded"]}}]}`, `{"state":"STOPPED"}`, false},
		{"anything-but ignore case other", `{"state":[{"anything-but":{"equals-ignore-case":"Stopped"}}]}`, `{"state":"running"}`, true},
		{"anything-but wildcard", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/lib/libc.so"}`, false},
		{"anything-but wildcard other", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/bin/sh"}`, true},
		// numeric.
		{"numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, "", true},
		{"numeric range top open", `{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, "", false},
		{"numeric lt", `{"detail":{"d-count":[{"numeric":["<",10]}]}}`, "", true},
		{"numeric eq exponent", `{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, "", true},
		{"numeric gt bottom open", `{"a":[{"numeric":[">",0]}]}`, `{"a":0}`, false},
		{"numeric ge bottom closed", `{"a":[{"numeric":[">=",0]}]}`, `{"a":-0.0}`, true},
		{"numeric negative", `{"a":[{"numeric":[">=",-10,"<",-1]}]}`, `{"a":-5}`, true},
		{"numeric negative bottom", `{"a":[{"numeric":[">=",-10,"<",-1]}]}`, `{"a":-10}`, true},
		{"numeric negative top", `{"a":[{"numeric":[">=",-10,"<",-1]}]}`, `{"a":-1}`, false},
		{"numeric six decimals", `{"a":[{"numeric":["<=",5]}]}`, `{"a":5.0000001}`, true},
		{"numeric seventh decimal", `{"a":[{"numeric":["<=",5]}]}`, `{"a":5.000001}`, false},
		{"numeric string", `{"a":[{"numeric":[">",0]}]}`, `{"a":"5"}`, false},
		{"numeric out of range event", `{"a":[{"numeric":[">",0]}]}`, `{"a":6e9}`, false},
		{"numeric limits", `{"a":[{"numeric":[">=",-5e9,"<=",5e9]}]}`, `{"a":5000000000}`, true},
		{"numeric array", `{"a":[{"numeric":[">",10]}]}`, `{"a":[1,2,30]}`, true},
		// exists.
		{"exists", `{"detail":{"state":[{"exists":true}]}}`, "", true},
		{"exists absent", `{"detail":{"nope":[{"exists":true}]}}`, "", false},
		{"exists null", `{"detail":{"responseElements":[{"exists":true}]}}`, "", true},
		{"not exists null", `{"detail":{"responseElements":[{"exists":false}]}}`, "", false},
		{"not exists", `{"detail":{"nope":[{"exists":false}]}}`, "", true},
		{"not exists present", `{"detail":{"state":[{"exists":false}]}}`, "", false},
		{"not exists parent absent", `{"nope":{"x":[{"exists":false}]}}`, "", true},
		{"exists on intermediate node", `{"detail":{"owner":[{"exists":true}]}}`, "", false},
		{"not exists on intermediate node", `{"detail":{"owner":[{"exists":false}]}}`, "", true},
		{"not exists empty array", `{"a":[{"exists":false}]}`, `{"a":[]}`, true},
		{"exists or value", `{"a":[{"exists":false},"x"]}`, `{"a":"x"}`, true},
		// cidr and addresses.
		{"cidr", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, "", true},
		{"cidr bottom", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.0"}`, true},
		{"cidr top", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.255"}`, true},
		{"cidr above", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.1.0"}`, false},
		{"cidr below", `{"ip":[{"cidr":"10.0.1.0/24"}]}`, `{"ip":"10.0.0.255"}`, false},
		{"cidr /0", `{"ip":[{"cidr":"0.0.0.0/0"}]}`, `{"ip":"255.255.255.255"}`, true},
		{"cidr /31", `{"ip":[{"cidr":"10.0.0.2/31"}]}`, `{"ip":"10.0.0.3"}`, true},
		{"cidr unmasked bottom", `{"ip":[{"cidr":"10.0.0.5/24"}]}`, `{"ip":"10.0.0.4"}`, false},
		{"cidr ipv6", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db8:ffff:ffff::1"}`, true},
		{"cidr ipv6 above", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db9::"}`, false},
		{"cidr ipv6 long form", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:0db8:0000:0000:0000:0000:0000:0001"}`, true},
		{"cidr family", `{"ip":[{"cidr":"0.0.0.0/0"}]}`, `{"ip":"::1"}`, false},
		{"cidr not an address", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"host"}`, false},
		{"ip exact other notation", `{"ip":["::1"]}`, `{"ip":"0:0:0:0:0:0:0:1"}`, true},
		{"ip exact", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.1"}`, true},
		// wildcard.
		{"wildcard", `{"f":[{"wildcard":"*.png"}]}`, `{"f":"dir/a.png"}`, true},
		{"wildcard miss", `{"f":[{"wildcard":"*.png"}]}`, `{"f":"dir/a.jpg"}`, false},
		{"wildcard middle", `{"f":[{"wildcard":"dir/*/file"}]}`, `{"f":"dir/a/b/file"}`, true},
		{"wildcard empty run", `{"f":[{"wildcard":"a*b*c"}]}`, `{"f":"abc"}`, true},
		{"wildcard overlap", `{"f":[{"wildcard":"ab*ba"}]}`, `{"f":"aba"}`, false},
		{"wildcard repeated", `{"f":[{"wildcard":"*ab*ab"}]}`, `{"f":"xabyabab"}`, true},
		{"wildcard no star", `{"f":[{"wildcard":"abc"}]}`, `{"f":"abc"}`, true},
		{"wildcard escaped star", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"a*b"}`, true},
		{"wildcard escaped star literal", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"axb"}`, false},
		{"wildcard escaped backslash", `{"f":[{"wildcard":"a\\\\*"}]}`, `{"f":"a\\bc"}`, true},
		{"wildcard case", `{"f":[{"wildcard":"*.PNG"}]}`, `{"f":"a.png"}`, false},
		// $or.
		{"or", `{"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},{"x-limit":[{"numeric":["=",3.018e2]}]}]}}`, "", true},
		{"or none", `{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"d-count":[{"numeric":[">",10]}]}]}}`, "", false},
		{"or with and", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}]}`, `{"source":"aws.cloudwatch","namespace":"AWS/ES"}`, true},
		{"or with and miss", `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]}`, `{"source":"aws.ec2","namespace":"AWS/EC2"}`, false},
		{"or nested", `{"$or":[{"a":["1"]},{"$or":[{"b":["2"]},{"c":["3"]}]}]}`, `{"c":"3"}`, true},
		{"or paths", `{"$or":[{"detail":{"state":["running"]}},{"detail":{"c-count":[5]}}]}`, "", true},
		{"two ors", `{"$or":[{"a":["1"]},{"b":["2"]}],"c":["3"],"$or":[{"d":["4"]},{"e":["5"]}]}`, `{"b":"2","c":"3","d":"4"}`, true},
		{"two ors miss", `{"$or":[{"a":["1"]},{"b":["2"]}],"$or":[{"d":["4"]},{"e":["5"]}]}`, `{"b":"2","c":"3"}`, false},
		{"or in array element", `{"a":{"$or":[{"b":["1"]},{"c":["1"]}],"d":["1"]}}`, `{"a":[{"b":"1","d":"0"},{"c":"1","d":"1"}]}`, true},
		// Keys and events.
		{"escaped key", `{"a\"b":["x"]}`, `{"a\u0022b":"x"}`, true},
		{"escaped value", `{"a":["é\n"]}`, `{"a":"\u00e9\n"}`, true},
		{"surrogate pair", `{"a":["😀"]}`, `{"a":"\ud83d\ude00"}`, true},
		{"duplicate event key", `{"a":["2"]}`, `{"a":"1","a":"2"}`, true},
		{"duplicate pattern key overrides", `{"a":["1"],"a":["2"]}`, `{"a":"1"}`, false},
		{"invalid event", `{"a":["1"]}`, `{"a":"1"`, false},
		{"event not an object", `{"a":["1"]}`, `["a"]`, false},
		{"trailing garbage", `{"a":["1"]}`, `{"a":"1"} x`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.pattern)
			ev := tt.event
			if ev == "" {
				ev = ec2Event
			}
			if got := p.Match([]byte(ev)); got != tt.want {
				t.Fatalf("Match(%s, %s) = %v, want %v", tt.pattern, ev, got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		pattern string
		reason  string // the reason, before any location
		loc     string // the location suffix, or "" for none
	}{
		// Confirmed against an AWS response quoted in a blog post.
		{`{"source":["test.event-pattern"],"detail":{"lenderId":"LenderA"}}`, `"lenderId" must be an object or an array`,
			"\n at [Source: (String)\"{\"source\":[\"test.event-pattern\"],\"detail\":{\"lenderId\":\"LenderA\"}}\"; line: 1, column: 56]"},
		{`[]`, "Filter is not an object", "column: 2]"},
		{`"x"`, "Filter is not an object", "column: 2]"},
		{`{"source":"aws.ec2"}`, `"source" must be an object or an array`, "column: 12]"},
		{`{"source":5}`, `"source" must be an object or an array`, "column: 12]"},
		{`{}`, "Empty objects are not allowed", "column: 3]"},
		{`{"a":{}}`, "Empty objects are not allowed", "column: 8]"},
		{`{"a":[]}`, "Empty arrays are not allowed", "column: 8]"},
		{`{"a":[["x"]]}`, "Match value must be String, number, true, false, or null", "column: 8]"},
		{`{"a":[{}]}`, "Match expression name not found", "column: 9]"},
		{`{"a":[{"prefixx":"x"}]}`, "Unrecognized match type prefixx", "column: 19]"},
		{`{"a":[{"prefix":5}]}`, "prefix match pattern must be a string", "column: 18]"},
		{`{"a":[{"prefix":"x","suffix":"y"}]}`, "Only one key allowed in match expression", ""},
		{`{"a":[{"prefix":{"foo":"x"}}]}`, "Unsupported prefix pattern: foo", ""},
		{`{"a":[{"prefix":{}}]}`, "Prefix expression name not found", ""},
		{`{"a":[{"suffix":{"equals-ignore-case":5}}]}`, "equals-ignore-case match pattern must be a string", ""},
		{`{"a":[{"suffix":{"bar":"x"}}]}`, "Unsupported suffix pattern: bar", ""},
		{`{"a":[{"suffix":null}]}`, "suffix match pattern must be a string", ""},
		{`{"a":[{"equals-ignore-case":["x"]}]}`, "equals-ignore-case match pattern must be a string", ""},
		{`{"a":[{"numeric":5}]}`, "Value of numeric must be an array.", ""},
		{`{"a":[{"numeric":[]}]}`, "Invalid member in numeric match: ]", ""},
		{`{"a":[{"numeric":[5]}]}`, "Invalid member in numeric match: 5", ""},
		{`{"a":[{"numeric":["!=",5]}]}`, "Unrecognized numeric range operator: !=", ""},
		{`{"a":[{"numeric":["=","5"]}]}`, "Value of equals must be numeric", ""},
		{`{"a":[{"numeric":[">","5"]}]}`, "Value of > must be numeric", ""},
		{`{"a":[{"numeric":["<",5,">",0]}]}`, "Too many elements in numeric expression", ""},
		{`{"a":[{"numeric":[">",0,5]}]}`, "Bad value in numeric range: 5", ""},
		{`{"a":[{"numeric":[">",0,">",5]}]}`, "Bad numeric range operator: >", ""},
		{`{"a":[{"numeric":[">",0,"<","5"]}]}`, "Value of < must be numeric", ""},
		{`{"a":[{"numeric":[">",0,"<",5,6]}]}`, "Too many terms in numeric range expression", ""},
		{`{"a":[{"numeric":[">",5,"<",5]}]}`, "Bottom must be less than top", ""},
		{`{"a":[{"numeric":[">",6e9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", ""},
		{`{"a":[{"numeric":["=",1],"x":1}]}`, "Too many elements in numeric expression", ""},
		{`{"a":[{"exists":"yes"}]}`, "exists match pattern must be either true or false.", ""},
		{`{"a":[{"anything-but":null}]}`, "Value of anything-but must be an array or single string/number value.", ""},
		{`{"a":[{"anything-but":["x",1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", ""},
		{`{"a":[{"anything-but":[]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", ""},
		{`{"a":[{"anything-but":[true]}]}`, "Inside anything but list, start|null|boolean is not supported.", ""},
		{`{"a":[{"anything-but":{"contains":"x"}}]}`, "Unsupported anything-but pattern: contains", ""},
		{`{"a":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed", ""},
		{`{"a":[{"anything-but":{"suffix":[5]}}]}`, "prefix/suffix match pattern must be a string", ""},
		{`{"a":[{"anything-but":{"equals-ignore-case":5}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.", ""},
		{`{"a":[{"anything-but":{"wildcard":"a**"}}]}`, "Consecutive wildcard characters at pos 2", ""},
		{`{"a":[{"anything-but":"x","b":1}]}`, "Too many elements in numeric expression", ""},
		{`{"a":[{"wildcard":"a**b"}]}`, "Consecutive wildcard characters at pos 2", ""},
		{`{"a":[{"wildcard":"a\\b"}]}`, "Invalid escape character at pos 2", ""},
		{`{"a":[{"wildcard":5}]}`, "wildcard match pattern must be a string", ""},
		{`{"a":[{"cidr":"10.0.0.0"}]}`, "Malformed CIDR, one '/' required", "none"},
		{`{"a":[{"cidr":"10.0.0.0/x"}]}`, "Malformed CIDR, mask bits must be an integer", "none"},
		{`{"a":[{"cidr":"10.0.0.0/-1"}]}`, "Malformed CIDR, mask bits must not be negative", "none"},
		{`{"a":[{"cidr":"10.0.0.0/32"}]}`, "IPv4 mask bits must be < 32", "none"},
		{`{"a":[{"cidr":"::/128"}]}`, "IPv6 mask bits must be < 128", "none"},
		{`{"a":[{"cidr":"host/8"}]}`, "Nonstandard IP address: host", "none"},
		{`{"a":[{"cidr":"10.0.0.300/8"}]}`, "Invalid IP address: 10.0.0.300", "none"},
		{`{"a":[{"cidr":5}]}`, "prefix match pattern must be a string", ""},
		{`{"a":[{"anything-but":6e9}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", "none"},
		{`{"$or":{"a":["x"]}}`, "It must be an Array followed with $or.", ""},
		{`{"$or":[{"a":["x"]}]}`, "There must have at least 2 Objects in $or relationship.", ""},
		{`{"$or":[{"a":["x"]},"b"]}`, "Only JSON object is allowed in array of $or relationship.", ""},
		{`{"$or":[{"a":["x"]},{"numeric":["x"]}]}`, "numeric is Ruler reserved fieldName which cannot be used inside $or.", ""},
		// JSON syntax, in Jackson's words.
		{``, "Filter is not an object", ""},
		{`{"a":["x"]`, "Unexpected end-of-input: expected close marker for OBJECT", ""},
		{`{"a":["x"],}`, "Unexpected character ('}' (code 125)): was expecting double-quote to start field name", ""},
		{`{a:["x"]}`, "Unexpected character ('a' (code 97)): was expecting double-quote to start field name", ""},
		{`{"a" ["x"]}`, "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value", ""},
		{`{"a":["x" "y"]}`, "Unexpected character ('\"' (code 34)): was expecting comma to separate ARRAY entries", ""},
		{`{"a":[tru]}`, "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", ""},
		{`{"a":[01]}`, "Invalid numeric value: Leading zeroes not allowed", ""},
		{`{"a":["x\q"]}`, "Unrecognized character escape ('q' (code 113))", ""},
		{`{"a":["x"]]`, "Unexpected close marker ']': expected '}'", ""},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			_, err := Compile(tt.pattern)
			if err == nil {
				t.Fatalf("Compile(%s): no error, want %q", tt.pattern, tt.reason)
			}
			var e *gofaas.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *gofaas.Error", err)
			}
			if got, want := e.Code, gofaas.EINVALID; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if got, want := e.Type, "InvalidEventPatternException"; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			msg, ok := strings.CutPrefix(e.Message, "Event pattern is not valid. Reason: ")
			if !ok {
				t.Fatalf("message %q lacks AWS's prefix", e.Message)
			}
			reason, loc, _ := strings.Cut(msg, "\n at [Source: ")
			if reason != tt.reason {
				t.Errorf("reason = %q, want %q", reason, tt.reason)
			}
			switch {
			case tt.loc == "none":
				if loc != "" {
					t.Errorf("location %q, want none", loc)
				}
			case strings.HasPrefix(tt.loc, "\n"):
				if got := strings.TrimPrefix(msg, reason); got != tt.loc {
					t.Errorf("location = %q, want %q", got, tt.loc)
				}
			case tt.loc != "":
				if !strings.HasSuffix(loc, tt.loc) {
					t.Errorf("location = %q, want suffix %q", loc, tt.loc)
				}
			}
		})
	}
}

func TestLocationTruncated(t *testing.T) {
	pattern := `{"a":"` + strings.Repeat("x", 600) + `"}`
	_, err := Compile(pattern)
	msg := gofaas.ErrorMessage(err)
	if want := `"[truncated 108 chars]; line: 1, column: 7]`; !strings.HasSuffix(msg, want) {
		t.Fatalf("message %q, want suffix %q", msg, want)
	}
}

func TestLocationLines(t *testing.T) {
	_, err := Compile("{\n  \"a\": \"x\"\n}")
	msg := gofaas.ErrorMessage(err)
	if want := "line: 2, column: 9]"; !strings.HasSuffix(msg, want) {
		t.Fatalf("message %q, want suffix %q", msg, want)
	}
}

func TestValidPatterns(t *testing.T) {
	for _, p := range []string{
		`{"a":[{"prefix":""}]}`,
		`{"a":[{"anything-but":{"prefix":[]}}]}`,
		`{"a":[{"numeric":["=",-5e9]}]}`,
		`{"a":[{"cidr":"::/0"}]}`,
		`{"a":[{"anything-but":{"wildcard":["*.a","b\\*"]}}]}`,
		`{"a":["x"]} trailing text is ignored, as by event-ruler`,
		`{"a":[{"wildcard":"\\\\"}]}`,
		"{\"a\":\n[\"x\"]\r\n}",
	} {
		if _, err := Compile(p); err != nil {
			t.Errorf("Compile(%s): %v", p, err)
		}
	}
}

func TestTestEventPattern(t *testing.T) {
	ok, err := TestEventPattern(`{"source":["aws.ec2"],"detail":{"state":["terminated"]}}`, ec2Event)
	if err != nil || !ok {
		t.Fatalf("TestEventPattern = %v, %v; want true", ok, err)
	}
	ok, err = TestEventPattern(`{"source":["aws.s3"]}`, ec2Event)
	if err != nil || ok {
		t.Fatalf("TestEventPattern = %v, %v; want false", ok, err)
	}
	// resources is not required in practice.
	ok, err = TestEventPattern(`{"source":["my.app"]}`,
		`{"id":"1","account":"123456789012","source":"my.app","time":"2026-01-01T00:00:00Z","region":"us-east-1","detail-type":"order"}`)
	if err != nil || !ok {
		t.Fatalf("TestEventPattern without resources = %v, %v; want true", ok, err)
	}

	errorCases := []struct {
		name, pattern, event, typ, msg string
	}{
		{"missing source", `{"a":["x"]}`, `{"id":"1","account":"1","time":"t","region":"r","detail-type":"d"}`,
			"ValidationException", "Parameter Event is not valid."},
		{"event not json", `{"a":["x"]}`, `{`, "ValidationException", "Parameter Event is not valid."},
		{"event not object", `{"a":["x"]}`, `[]`, "ValidationException", "Parameter Event is not valid."},
		{"bad pattern", `{"a":"x"}`, ec2Event, "InvalidEventPatternException", ""},
		{"long pattern", `{"a":["` + strings.Repeat("x", MaxLength) + `"]}`, ec2Event, "ValidationException",
			"1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TestEventPattern(tt.pattern, tt.event)
			var e *gofaas.Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want a *gofaas.Error", err)
			}
			if e.Code != gofaas.EINVALID || e.Type != tt.typ {
				t.Errorf("code, type = %q, %q; want %q, %q", e.Code, e.Type, gofaas.EINVALID, tt.typ)
			}
			if tt.msg != "" && e.Message != tt.msg {
				t.Errorf("message = %q, want %q", e.Message, tt.msg)
			}
		})
	}
}

func TestConcurrentMatch(t *testing.T) {
	p := mustCompile(t, `{"source":["aws.ec2"],"detail":{"c-count":[{"numeric":[">",0]}]}}`)
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for range 200 {
				ok = ok && p.Match([]byte(ec2Event))
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Fatal("concurrent Match failed")
		}
	}
}
