package eventpattern

import (
	"github.com/gofaas/gofaas"
)

// requiredEventFields are the members TestEventPattern requires of its
// event. The API reference also lists resources, but AWS accepts events
// without it (LocalStack's snapshot tests record this).
var requiredEventFields = []string{"id", "account", "source", "time", "region", "detail-type"}

// TestEventPattern is the operation of the TestEventPattern API: it
// reports whether event matches pattern. A pattern longer than MaxLength
// and an event that is not a JSON object with the required members are
// ValidationException errors; an invalid pattern is an
// InvalidEventPatternException (both with code EINVALID).
func TestEventPattern(pattern, event string) (bool, error) {
	if n := len([]rune(pattern)); n > MaxLength {
		return false, gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException",
			"1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to %d", MaxLength)
	}
	d := decoder{b: []byte(event)}
	top := &schema{children: map[string]*schema{}}
	for _, f := range requiredEventFields {
		top.children[f] = &schema{}
	}
	v, ok := d.document(top)
	if !ok || v.kind != vObject {
		return false, eventInvalid()
	}
	for _, f := range requiredEventFields {
		if v.get(f) == nil {
			return false, eventInvalid()
		}
	}
	p, err := Compile(pattern)
	if err != nil {
		return false, err
	}
	return p.Match([]byte(event)), nil
}

func eventInvalid() error {
	return gofaas.TypedErrorf(gofaas.EINVALID, "ValidationException", "Parameter Event is not valid.")
}
