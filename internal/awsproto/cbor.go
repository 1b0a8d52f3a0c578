package awsproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Smithy RPC v2 CBOR (smithy.protocols#rpcv2Cbor), as aws-sdk-go-v2 speaks
// it to CloudWatch: POST /service/SERVICE/operation/OP with the header
// Smithy-Protocol: rpc-v2-cbor and a CBOR map body (often of indefinite
// length) whose keys are the member names. Timestamps are tag 1 around
// epoch seconds (an integer or a float). A response carries the same
// header and Content-Type application/cbor; an error is a map with
// "__type" (the exception's shape id, "com.amazonaws.cloudwatch#X") and
// "message", and for services compatible with the query protocol an
// X-Amzn-Query-Error header "Code;Sender" naming the query error code.

// SmithyProtocolCBOR is the Smithy-Protocol header value of RPC v2 CBOR.
const SmithyProtocolCBOR = "rpc-v2-cbor"

// MaxCBORBody bounds a CBOR request body.
const MaxCBORBody = 2 << 20

var (
	cborDec = func() cbor.DecMode {
		m, err := cbor.DecOptions{
			MaxNestedLevels:  32,
			MaxArrayElements: 1 << 16,
			MaxMapPairs:      1 << 16,
			IndefLength:      cbor.IndefLengthAllowed,
			DupMapKey:        cbor.DupMapKeyQuiet,
			TimeTag:          cbor.DecTagOptional,
			UTF8:             cbor.UTF8RejectInvalid,
		}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	cborEnc = func() cbor.EncMode {
		m, err := cbor.EncOptions{
			Time:          cbor.TimeUnixDynamic,
			TimeTag:       cbor.EncTagRequired,
			NilContainers: cbor.NilContainerAsEmpty,
			IndefLength:   cbor.IndefLengthForbidden,
		}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// IsCBOR reports whether r is a Smithy RPC v2 CBOR request.
func IsCBOR(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Smithy-Protocol"), SmithyProtocolCBOR) ||
		strings.HasPrefix(r.URL.Path, "/service/") && strings.Contains(r.URL.Path, "/operation/")
}

// CBOROperation returns the operation name of an RPC v2 request path
// "/service/SERVICE/operation/OP" and the service name.
func CBOROperation(path string) (service, op string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/service/")
	if !ok {
		return "", "", false
	}
	service, op, ok = strings.Cut(rest, "/operation/")
	if !ok || service == "" || op == "" || strings.Contains(op, "/") {
		return "", "", false
	}
	return service, op, true
}

// DecodeCBOR decodes a CBOR request body into v. An empty body decodes as
// an empty map. It never panics on malformed input.
func DecodeCBOR(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := cborDec.Unmarshal(body, v); err != nil {
		return fmt.Errorf("malformed CBOR body: %w", err)
	}
	return nil
}

// ReadCBOR reads r's body (at most MaxCBORBody bytes) and decodes it into v.
func ReadCBOR(r *http.Request, v any) error {
	if r.Body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxCBORBody+1))
	if err != nil {
		return fmt.Errorf("read request body: %w", err)
	}
	if len(b) > MaxCBORBody {
		return fmt.Errorf("request body larger than %d bytes", MaxCBORBody)
	}
	return DecodeCBOR(b, v)
}

// MarshalCBOR encodes v as the RPC v2 CBOR protocol does.
func MarshalCBOR(v any) ([]byte, error) { return cborEnc.Marshal(v) }

// WriteCBOR writes v as a successful RPC v2 CBOR response (nil writes an
// empty map).
func WriteCBOR(w http.ResponseWriter, v any) {
	var b []byte
	if v == nil {
		b = []byte{0xa0}
	} else {
		var err error
		if b, err = cborEnc.Marshal(v); err != nil {
			slog.Error("encode CBOR response", "err", err)
			WriteCBORError(w, &APIError{Status: http.StatusInternalServerError, Type: "InternalFailure",
				Message: "An internal error occurred."})
			return
		}
	}
	writeCBOR(w, http.StatusOK, b)
}

// WriteCBORError writes e as an RPC v2 CBOR error: e.Type is the body's
// __type (a shape id), e.Fields extra members, e.Headers extra headers
// (X-Amzn-Query-Error).
func WriteCBORError(w http.ResponseWriter, e *APIError) {
	body := map[string]any{"__type": e.Type, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	for k, v := range e.Headers {
		w.Header().Set(k, v)
	}
	b, err := cborEnc.Marshal(body)
	if err != nil {
		b = []byte{0xa0}
	}
	writeCBOR(w, e.Status, b)
}

func writeCBOR(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Smithy-Protocol", SmithyProtocolCBOR)
	h.Set("Content-Type", "application/cbor")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// Timestamp is a time on every wire: tag 1 epoch seconds in CBOR, epoch
// seconds (a number) in JSON, ISO 8601 in the query protocol's XML and
// form values. Decoding accepts epoch seconds and ISO 8601 everywhere.
type Timestamp struct{ time.Time }

// MarshalCBOR implements cbor.Marshaler.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	var content any
	if ms := t.UnixMilli(); ms%1000 == 0 {
		content = ms / 1000
	} else {
		content = float64(ms) / 1000
	}
	return cborEnc.Marshal(cbor.Tag{Number: 1, Content: content})
}

// UnmarshalCBOR implements cbor.Unmarshaler.
func (t *Timestamp) UnmarshalCBOR(b []byte) error {
	var raw cbor.RawTag
	var v any
	if err := cborDec.Unmarshal(b, &raw); err == nil {
		if raw.Number != 1 {
			return fmt.Errorf("timestamp: unexpected CBOR tag %d", raw.Number)
		}
		b = raw.Content
	}
	if err := cborDec.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	return t.set(v)
}

func (t *Timestamp) set(v any) error {
	switch x := v.(type) {
	case uint64:
		if x > 1e13 {
			return errors.New("timestamp out of range")
		}
		t.Time = time.Unix(int64(x), 0).UTC()
	case int64:
		t.Time = time.Unix(x, 0).UTC()
	case float64:
		return t.setFloat(x)
	case float32:
		return t.setFloat(float64(x))
	case string:
		return t.UnmarshalText([]byte(x))
	default:
		return fmt.Errorf("timestamp: unexpected %T", v)
	}
	return nil
}

func (t *Timestamp) setFloat(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e13 {
		return errors.New("timestamp out of range")
	}
	t.Time = time.UnixMilli(int64(math.Round(f * 1000))).UTC()
	return nil
}

// MarshalJSON implements json.Marshaler: epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return t.UnmarshalText([]byte(s))
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	return t.setFloat(f)
}

// MarshalText implements encoding.TextMarshaler: ISO 8601 in UTC, with
// milliseconds only when there are some.
func (t Timestamp) MarshalText() ([]byte, error) {
	u := t.UTC()
	if u.Nanosecond()/1e6 != 0 {
		return []byte(u.Format("2006-01-02T15:04:05.000Z")), nil
	}
	return []byte(u.Format("2006-01-02T15:04:05Z")), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: ISO 8601 (with or
// without fractional seconds and zone) or epoch seconds.
func (t *Timestamp) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return t.setFloat(f)
	}
	return fmt.Errorf("timestamp: %q is not a valid timestamp", s)
}
