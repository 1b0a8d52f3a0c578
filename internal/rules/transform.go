package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofaas/gofaas"
)

// Transform returns the payload a target receives for event: the target's
// constant Input, the part of the event its InputPath selects, the event
// rewritten by its InputTransformer, or the event itself.
func Transform(t *gofaas.Target, rule *gofaas.Rule, event []byte) ([]byte, error) {
	switch {
	case t.Input != "":
		return []byte(t.Input), nil
	case t.InputPath != "":
		v, ok, err := selectPath(event, t.InputPath)
		if err != nil {
			return nil, err
		} else if !ok {
			return []byte("null"), nil
		}
		return v, nil
	case t.InputTransformer != nil:
		return transform(t.InputTransformer, rule, event)
	}
	return event, nil
}

// transform applies an input transformer. A placeholder inside a JSON
// string gets a string value's text (JSON-escaped); elsewhere it gets the
// value's JSON, except in a template that is not JSON, where strings are
// inserted as their raw text.
func transform(it *gofaas.InputTransformer, rule *gofaas.Rule, event []byte) ([]byte, error) {
	values := map[string]json.RawMessage{}
	for name, path := range it.InputPathsMap {
		v, ok, err := selectPath(event, path)
		if err != nil {
			return nil, err
		}
		if ok {
			values[name] = v
		}
	}
	values["aws.events.rule-arn"], _ = json.Marshal(rule.Arn)
	values["aws.events.rule-name"], _ = json.Marshal(rule.Name)
	values["aws.events.event"] = event
	values["aws.events.event.json"] = event
	tmpl := it.InputTemplate
	isJSON := json.Valid([]byte(replacePlaceholders(tmpl, func(string, bool) string { return "0" })))
	out := replacePlaceholders(tmpl, func(name string, quoted bool) string {
		v, ok := values[name]
		if !ok {
			if quoted {
				return ""
			}
			return "null"
		}
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			if quoted {
				q, _ := json.Marshal(s)
				return string(q[1 : len(q)-1])
			}
			if !isJSON {
				return s
			}
		}
		if quoted {
			q, _ := json.Marshal(string(v))
			return string(q[1 : len(q)-1])
		}
		return string(v)
	})
	return []byte(out), nil
}

// replacePlaceholders replaces each <name> of tmpl by value(name, quoted),
// quoted telling whether it stands inside a JSON string.
func replacePlaceholders(tmpl string, value func(name string, quoted bool) string) string {
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '<' {
			if j := strings.IndexByte(tmpl[i+1:], '>'); j > 0 && !strings.ContainsAny(tmpl[i+1:i+1+j], " <\"") {
				b.WriteString(value(tmpl[i+1:i+1+j], inString))
				i += j + 1
				continue
			}
		}
		b.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case c == '\\' && inString:
			escaped = true
		case c == '"':
			inString = !inString
		}
	}
	return b.String()
}

// selectPath evaluates a simple JSONPath ($, $.a.b, $.a[0], $['a'])
// against doc, returning the selected value's JSON.
func selectPath(doc []byte, path string) (json.RawMessage, bool, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(path), "$")
	if !ok {
		return nil, false, fmt.Errorf("invalid JSONPath %q", path)
	}
	cur := json.RawMessage(doc)
	for rest != "" {
		var key string
		index := -1
		switch {
		case strings.HasPrefix(rest, "."):
			rest = rest[1:]
			n := strings.IndexAny(rest, ".[")
			if n < 0 {
				n = len(rest)
			}
			key, rest = rest[:n], rest[n:]
		case strings.HasPrefix(rest, "['"):
			n := strings.Index(rest, "']")
			if n < 0 {
				return nil, false, fmt.Errorf("invalid JSONPath %q", path)
			}
			key, rest = rest[2:n], rest[n+2:]
		case strings.HasPrefix(rest, "["):
			n := strings.IndexByte(rest, ']')
			if n < 0 {
				return nil, false, fmt.Errorf("invalid JSONPath %q", path)
			}
			i, err := strconv.Atoi(rest[1:n])
			if err != nil {
				return nil, false, fmt.Errorf("invalid JSONPath %q", path)
			}
			index, rest = i, rest[n+1:]
		default:
			return nil, false, fmt.Errorf("invalid JSONPath %q", path)
		}
		if index >= 0 {
			var arr []json.RawMessage
			if json.Unmarshal(cur, &arr) != nil || index >= len(arr) {
				return nil, false, nil
			}
			cur = arr[index]
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil {
			return nil, false, nil
		}
		v, ok := obj[key]
		if !ok {
			return nil, false, nil
		}
		cur = v
	}
	return bytes.TrimSpace(cur), true, nil
}
