package logsapi

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Constraints of botocore's model, with the pattern text AWS quotes in
// its validation messages.
var (
	groupNamePattern  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	groupNameText     = `[\.\-_/#A-Za-z0-9]+`
	groupPatternRE    = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]*$`)
	groupPatternText  = `[\.\-_/#A-Za-z0-9]*`
	streamNamePattern = regexp.MustCompile(`^[^:*]*$`)
	streamNameText    = `[^:*]*`
)

// checker collects constraint violations and reports them as AWS's
// request validation does: "1 validation error detected: Value 'x' at
// 'logGroupName' failed to satisfy constraint: Member must ...".
type checker struct{ errs []string }

// fail records a violation; value is the offending value as text, or
// "null" for a missing member. AWS quotes every value but null.
func (c *checker) fail(value, member, constraint string) {
	if value != "null" {
		value = "'" + value + "'"
	}
	c.errs = append(c.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", value, member, constraint))
}

// str checks a string member; required means it must be present.
func (c *checker) str(member string, v *string, required bool, min, max int, re *regexp.Regexp, reText string) {
	if v == nil {
		if required {
			c.fail("null", member, "not be null")
		}
		return
	}
	n := utf8.RuneCountInString(*v)
	if n < min {
		c.fail(*v, member, fmt.Sprintf("have length greater than or equal to %d", min))
	}
	if max > 0 && n > max {
		c.fail(*v, member, fmt.Sprintf("have length less than or equal to %d", max))
	}
	if re != nil && n >= min && !re.MatchString(*v) {
		c.fail(*v, member, "satisfy regular expression pattern: "+reText)
	}
}

// groupName checks a log group name member.
func (c *checker) groupName(member string, v *string, required bool) {
	c.str(member, v, required, 1, 512, groupNamePattern, groupNameText)
}

// streamName checks a log stream name member.
func (c *checker) streamName(member string, v *string, required bool) {
	c.str(member, v, required, 1, 512, streamNamePattern, streamNameText)
}

// intRange checks an optional integer member.
func (c *checker) intRange(member string, v *int, min, max int) {
	if v == nil {
		return
	}
	if *v < min {
		c.fail(fmt.Sprint(*v), member, fmt.Sprintf("have value greater than or equal to %d", min))
	}
	if *v > max {
		c.fail(fmt.Sprint(*v), member, fmt.Sprintf("have value less than or equal to %d", max))
	}
}

// nonNegative checks an optional timestamp member.
func (c *checker) nonNegative(member string, v *int64) {
	if v != nil && *v < 0 {
		c.fail(fmt.Sprint(*v), member, "have value greater than or equal to 0")
	}
}

// tags checks a tag map member (1-50 entries, keys 1-128, values 0-256).
func (c *checker) tags(member string, tags map[string]string, required bool) {
	if tags == nil {
		if required {
			c.fail("null", member, "not be null")
		}
		return
	}
	if len(tags) < 1 {
		c.fail("{}", member, "have length greater than or equal to 1")
	}
	if len(tags) > 50 {
		c.fail(fmt.Sprintf("map of %d entries", len(tags)), member, "have length less than or equal to 50")
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			c.fail(k, member+".key", "have length less than or equal to 128")
		}
		if utf8.RuneCountInString(v) > 256 {
			c.fail(v, member+".value", "have length less than or equal to 256")
		}
	}
}

// err returns the collected violations as an InvalidParameterException,
// or nil.
func (c *checker) err() error {
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return invalidf("1 validation error detected: %s", c.errs[0])
	}
	return invalidf("%d validation errors detected: %s", len(c.errs), strings.Join(c.errs, "; "))
}

func ptr[T any](v T) *T { return &v }
