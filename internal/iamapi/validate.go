package iamapi

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// member is one request member's constraints in the botocore model.
type member struct {
	name     string // wire name, "UserName"
	field    string // as IAM names it in messages, "userName"
	required bool
	min, max int // length in characters; max 0 = unbounded
	pattern  string
	re       *regexp.Regexp
}

func newMember(name string, min, max int, pattern string) member {
	m := member{name: name, field: strings.ToLower(name[:1]) + name[1:], min: min, max: max, pattern: pattern}
	if pattern != "" {
		m.re = regexp.MustCompile(`^(?:` + pattern + `)$`)
	}
	return m
}

// req returns m as a required member.
func (m member) req() member { m.required = true; return m }

// Patterns and lengths from botocore iam/2010-05-08 (Go regexp syntax).
var (
	mUserName        = newMember("UserName", 1, 64, `[\w+=,.@-]+`)
	mExistingUser    = newMember("UserName", 1, 128, `[\w+=,.@-]+`)
	mGroupName       = newMember("GroupName", 1, 128, `[\w+=,.@-]+`)
	mRoleName        = newMember("RoleName", 1, 64, `[\w+=,.@-]+`)
	mPolicyName      = newMember("PolicyName", 1, 128, `[\w+=,.@-]+`)
	mPath            = newMember("Path", 1, 512, `/|/[\x{21}-\x{7E}]+/`)
	mPolicyPath      = newMember("Path", 1, 512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
	mPathPrefix      = newMember("PathPrefix", 1, 512, `/[\x{21}-\x{7F}]*`)
	mPolicyPathPre   = newMember("PathPrefix", 1, 512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
	mPolicyDocument  = newMember("PolicyDocument", 1, 131072, `[\t\n\r\x{20}-\x{FF}]+`)
	mTrustDocument   = newMember("AssumeRolePolicyDocument", 1, 131072, `[\t\n\r\x{20}-\x{FF}]+`)
	mPolicyARN       = newMember("PolicyArn", 20, 2048, "")
	mBoundary        = newMember("PermissionsBoundary", 20, 2048, "")
	mVersionID       = newMember("VersionId", 0, 0, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	mRoleDescription = newMember("Description", 0, 1000, `[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*`)
	mPolicyDesc      = newMember("Description", 0, 1000, "")
	mAccessKeyID     = newMember("AccessKeyId", 16, 128, `[\w]+`)
	mMarker          = newMember("Marker", 1, 320, `[\x{20}-\x{FF}]+`)
	reTagKey         = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	reTagValue       = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// check validates the members of the request as IAM does, reporting every
// failure in one ValidationError: "1 validation error detected: Value 'x'
// at 'userName' failed to satisfy constraint: Member must satisfy regular
// expression pattern: [\w+=,.@-]+".
func (c *call) check(ms ...member) error {
	var errs []string
	for _, m := range ms {
		if !c.q.Has(m.name) {
			if m.required {
				errs = append(errs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", m.field))
			}
			continue
		}
		v := c.q.Get(m.name)
		n := utf8.RuneCountInString(v)
		switch {
		case n < m.min:
			errs = append(errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", v, m.field, m.min))
		case m.max > 0 && n > m.max:
			errs = append(errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, m.field, m.max))
		case m.re != nil && !m.re.MatchString(v):
			errs = append(errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, m.field, m.pattern))
		}
	}
	if _, ok, err := c.q.Int("MaxItems"); err != nil {
		errs = append(errs, fmt.Sprintf("Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", c.q.Get("MaxItems")))
	} else if ok {
		if n, _, _ := c.q.Int("MaxItems"); n < 1 || n > 1000 {
			bound := "greater than or equal to 1"
			if n > 1000 {
				bound = "less than or equal to 1000"
			}
			errs = append(errs, fmt.Sprintf("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value %s", n, bound))
		}
	}
	return validationErrors(errs)
}

// validationErrors joins failures into one ValidationError, or nil.
func validationErrors(errs []string) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return validationError("1 validation error detected: %s", errs[0])
	}
	return validationError("%d validation errors detected: %s", len(errs), strings.Join(errs, "; "))
}

// tags reads the Tags list (Tags.member.N.Key/Value) and checks it.
func (c *call) tags() (map[string]string, error) {
	ms := c.q.Members("Tags")
	if len(ms) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	var errs []string
	for i, m := range ms {
		k, v := m["Key"], m["Value"]
		switch {
		case utf8.RuneCountInString(k) < 1 || utf8.RuneCountInString(k) > 128:
			errs = append(errs, fmt.Sprintf("Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length less than or equal to 128", k, i+1))
		case !reTagKey.MatchString(k):
			errs = append(errs, fmt.Sprintf("Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", k, i+1))
		case utf8.RuneCountInString(v) > 256:
			errs = append(errs, fmt.Sprintf("Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", v, i+1))
		case !reTagValue.MatchString(v):
			errs = append(errs, fmt.Sprintf("Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", v, i+1))
		}
		if _, dup := out[k]; dup {
			return nil, invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		out[k] = v
	}
	if err := validationErrors(errs); err != nil {
		return nil, err
	}
	if len(out) > 50 {
		return nil, limitExceeded("The number of tags has reached the maximum limit.")
	}
	return out, nil
}
