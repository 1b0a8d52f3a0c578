package awsproto

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The AWS query protocol (IAM, STS, CloudWatch's query flavour): a request
// is an application/x-www-form-urlencoded body (or URL query) with Action,
// Version and the operation's members flattened into dotted names; lists
// are Name.member.N (N from 1), lists of structures
// Name.member.N.Field, maps Name.entry.N.key / .value. A response is XML:
//
//	<ActionResponse xmlns="NS">
//	  <ActionResult>...</ActionResult>
//	  <ResponseMetadata><RequestId>ID</RequestId></ResponseMetadata>
//	</ActionResponse>
//
// and an error is
//
//	<ErrorResponse xmlns="NS">
//	  <Error><Type>Sender</Type><Code>C</Code><Message>M</Message></Error>
//	  <RequestId>ID</RequestId>
//	</ErrorResponse>

// MaxQueryBody bounds a query-protocol request body. IAM's largest member
// is a 131072-character policy document, URL-encoded up to 3 bytes a
// character.
const MaxQueryBody = 1 << 20

// Query is a decoded query-protocol request.
type Query struct {
	Action  string
	Version string
	Values  url.Values
}

// ParseQuery decodes a query-protocol body. Parameters given twice keep
// their first value.
func ParseQuery(body []byte) (*Query, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("malformed query string: %w", err)
	}
	return &Query{Action: v.Get("Action"), Version: v.Get("Version"), Values: v}, nil
}

// ReadQuery decodes the query-protocol request r: its form body, merged with
// its URL query (body parameters win), as AWS accepts both.
func ReadQuery(r *http.Request) (*Query, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, MaxQueryBody+1))
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		if len(b) > MaxQueryBody {
			return nil, fmt.Errorf("request body larger than %d bytes", MaxQueryBody)
		}
		body = b
	}
	q, err := ParseQuery(body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.URL.Query() {
		if _, ok := q.Values[k]; !ok {
			q.Values[k] = vs
		}
	}
	q.Action, q.Version = q.Values.Get("Action"), q.Values.Get("Version")
	return q, nil
}

// Has reports whether the member name was sent.
func (q *Query) Has(name string) bool {
	_, ok := q.Values[name]
	return ok
}

// Get returns the member name, or "".
func (q *Query) Get(name string) string { return q.Values.Get(name) }

// Opt returns a pointer to the member name, or nil when it was not sent.
func (q *Query) Opt(name string) *string {
	if !q.Has(name) {
		return nil
	}
	s := q.Values.Get(name)
	return &s
}

// Int returns the integer member name; ok is false when it was not sent.
func (q *Query) Int(name string) (n int, ok bool, err error) {
	if !q.Has(name) {
		return 0, false, nil
	}
	n, err = strconv.Atoi(q.Get(name))
	if err != nil {
		return 0, true, fmt.Errorf("%s: %q is not an integer", name, q.Get(name))
	}
	return n, true, nil
}

// Bool returns the boolean member name (false when absent).
func (q *Query) Bool(name string) (bool, error) {
	if !q.Has(name) {
		return false, nil
	}
	switch strings.ToLower(q.Get(name)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not a boolean", name, q.Get(name))
}

// index parses the N of "N" or "N.rest" (N a positive decimal without
// leading zeros) and returns N and rest.
func index(s string) (n int, rest string, ok bool) {
	num, rest, _ := strings.Cut(s, ".")
	if num == "" || len(num) > 9 || num[0] == '0' {
		return 0, "", false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, "", false
		}
	}
	n, _ = strconv.Atoi(num)
	return n, rest, true
}

// collect groups the parameters prefix+N[.field] by N, in one pass over
// the parameters, and returns them in index order.
func (q *Query) collect(prefix string) []map[string]string {
	byIndex := map[int]map[string]string{}
	for k, vs := range q.Values {
		after, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		n, field, ok := index(after)
		if !ok {
			continue
		}
		m := byIndex[n]
		if m == nil {
			m = map[string]string{}
			byIndex[n] = m
		}
		m[field] = vs[0]
	}
	keys := make([]int, 0, len(byIndex))
	for n := range byIndex {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	out := make([]map[string]string, len(keys))
	for i, n := range keys {
		out[i] = byIndex[n]
	}
	return out
}

// List returns the list of strings name.member.1, name.member.2, ... in
// index order.
func (q *Query) List(name string) []string {
	var out []string
	for _, m := range q.collect(name + ".member.") {
		if v, ok := m[""]; ok {
			out = append(out, v)
		}
	}
	return out
}

// Members returns the list of structures name.member.N.Field, one map of
// field to value per N, in index order.
func (q *Query) Members(name string) []map[string]string {
	var out []map[string]string
	for _, m := range q.collect(name + ".member.") {
		delete(m, "")
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// Map returns the map name.entry.N.key / name.entry.N.value.
func (q *Query) Map(name string) map[string]string {
	var out map[string]string
	for _, m := range q.collect(name + ".entry.") {
		k, ok := m["key"]
		if !ok {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = m["value"]
	}
	return out
}

// XMLList is a list rendered as the query protocol renders lists: the
// element, always present, holding one <member> per item.
type XMLList[T any] []T

// MarshalXML implements xml.Marshaler.
func (l XMLList[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	member := xml.StartElement{Name: xml.Name{Local: "member"}}
	for _, v := range l {
		if err := e.EncodeElement(v, member); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// WriteQueryResponse writes the XML response of action: result (a struct,
// or nil for operations without output) inside <ActionResult>, and the
// request id.
func WriteQueryResponse(w http.ResponseWriter, action, xmlns, requestID string, result any) {
	var buf bytes.Buffer
	buf.WriteString(`<` + action + `Response xmlns="` + xmlns + `">`)
	if result != nil {
		enc := xml.NewEncoder(&buf)
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			slog.Error("encode query response", "action", action, "err", err)
			WriteQueryError(w, &APIError{Status: http.StatusInternalServerError, Type: "ServiceFailure",
				Message: "An internal error occurred."}, xmlns, requestID)
			return
		}
		enc.Flush()
	}
	buf.WriteString(`<ResponseMetadata><RequestId>`)
	xml.EscapeText(&buf, []byte(requestID))
	buf.WriteString(`</RequestId></ResponseMetadata></` + action + `Response>`)
	writeXML(w, http.StatusOK, buf.Bytes())
}

// WriteQueryError writes e as a query-protocol service does: HTTP status
// e.Status, and an ErrorResponse naming e.Type as the Code, with Type
// "Sender" for client errors and "Receiver" for server errors.
func WriteQueryError(w http.ResponseWriter, e *APIError, xmlns, requestID string) {
	fault := "Sender"
	if e.Status >= 500 {
		fault = "Receiver"
	}
	var buf bytes.Buffer
	buf.WriteString(`<ErrorResponse xmlns="` + xmlns + `"><Error><Type>` + fault + `</Type><Code>`)
	xml.EscapeText(&buf, []byte(e.Type))
	buf.WriteString(`</Code><Message>`)
	xml.EscapeText(&buf, []byte(e.Message))
	buf.WriteString(`</Message></Error><RequestId>`)
	xml.EscapeText(&buf, []byte(requestID))
	buf.WriteString(`</RequestId></ErrorResponse>`)
	for k, v := range e.Headers {
		w.Header().Set(k, v)
	}
	writeXML(w, e.Status, buf.Bytes())
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
