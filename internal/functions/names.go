package functions

import (
	"context"
	"strings"

	"github.com/gofaas/gofaas"
)

// Patterns of botocore's Lambda model, quoted in ValidationException
// messages exactly as Lambda quotes them.
const (
	// patternFunctionName is the FunctionName shape (most operations).
	patternFunctionName = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`
	// patternNamespacedFunctionName is the NamespacedFunctionName shape
	// (GetFunction, DeleteFunction, Invoke, ListVersionsByFunction, ...).
	patternNamespacedFunctionName = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`
	patternQualifier              = `(|[a-zA-Z0-9$_-]+)`
	patternRole                   = `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`
	patternAlias                  = `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`
	patternVersion                = `(\$LATEST|[0-9]+)`
	patternHandler                = `[^\s]+`

	maxFunctionNameLen           = 140 // FunctionName shape
	maxNamespacedFunctionNameLen = 256 // NamespacedFunctionName shape
	maxPlainNameLen              = 64  // a function's own name
)

// Ref is a function reference as a request names it: the function and an
// optional qualifier (a version, "$LATEST" or an alias).
type Ref struct {
	Name      string
	Qualifier string
	// Region and AccountID are set when the reference was an ARN.
	Region    string
	AccountID string
}

// ParseFunctionName parses a function name in any form Lambda accepts:
// "name", "name:qualifier", "ACCOUNT:function:name[:qualifier]" and
// "arn:aws:lambda:REGION:ACCOUNT:function:name[:qualifier]". It does not
// allocate. ok is false if s matches none of these forms.
func ParseFunctionName(s string) (ref Ref, ok bool) {
	rest := s
	if strings.HasPrefix(rest, "arn:") {
		// arn:PARTITION:lambda:
		rest = rest[4:]
		i := strings.IndexByte(rest, ':')
		if i < 0 || !isPartition(rest[:i]) {
			return Ref{}, false
		}
		rest = rest[i+1:]
		if !strings.HasPrefix(rest, "lambda:") {
			return Ref{}, false
		}
		rest = rest[len("lambda:"):]
	}
	seg, tail, more := cut(rest)
	if more && isRegion(seg) {
		ref.Region = seg
		rest = tail
		seg, tail, more = cut(rest)
	}
	if more && isAccount(seg) {
		ref.AccountID = seg
		rest = tail
		seg, tail, more = cut(rest)
	}
	if more && seg == "function" {
		// "function:" is a prefix unless it is the name of a function
		// named "function" followed by a qualifier and nothing else; the
		// model's regular expression prefers the prefix, and so do we.
		rest = tail
		seg, tail, more = cut(rest)
	}
	if !isName(seg) {
		return Ref{}, false
	}
	ref.Name = seg
	if more {
		if tail != gofaas.LatestVersion && !isName(tail) {
			return Ref{}, false
		}
		ref.Qualifier = tail
	}
	return ref, true
}

func cut(s string) (before, after string, found bool) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// isPartition reports whether s matches (aws[a-zA-Z-]*)?.
func isPartition(s string) bool {
	if s == "" {
		return true
	}
	if !strings.HasPrefix(s, "aws") {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// isRegion reports whether s matches [a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}.
func isRegion(s string) bool {
	if len(s) < 6 || !isLower(s[0]) || !isLower(s[1]) || s[2] != '-' {
		return false
	}
	// The last two characters are "-<digit>".
	n := len(s)
	if !isDigit(s[n-1]) || s[n-2] != '-' {
		return false
	}
	mid := s[3 : n-2] // ((gov-)|(iso[a-z]?-))?[a-z]+
	if strings.HasPrefix(mid, "gov-") {
		mid = mid[4:]
	} else if strings.HasPrefix(mid, "iso-") {
		mid = mid[4:]
	} else if len(mid) > 5 && strings.HasPrefix(mid, "iso") && isLower(mid[3]) && mid[4] == '-' {
		mid = mid[5:]
	}
	if mid == "" {
		return false
	}
	for i := 0; i < len(mid); i++ {
		if !isLower(mid[i]) {
			return false
		}
	}
	return true
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isName reports whether s matches [a-zA-Z0-9-_]+.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isQualifier reports whether s matches the Qualifier parameter's pattern
// [a-zA-Z0-9$_-]+.
func isQualifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '$') {
			return false
		}
	}
	return true
}

// isVersion reports whether s is a published version number.
func isVersion(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// nameKind says which model shape a request's function name has, for the
// length limit and the pattern quoted in validation messages.
type nameKind int

const (
	plainShape      nameKind = iota // FunctionName
	namespacedShape                 // NamespacedFunctionName
)

// resolveRef parses a function name and an optional Qualifier parameter as
// operation op would, checking them against the caller's region and
// account. It allocates only on error.
func resolveRef(ctx context.Context, name, qualifier string, kind nameKind) (Ref, error) {
	pattern, max := patternFunctionName, maxFunctionNameLen
	if kind == namespacedShape {
		pattern, max = patternNamespacedFunctionName, maxNamespacedFunctionNameLen
	}
	var v validation
	if name == "" {
		v.null("functionName")
	} else if len(name) > max {
		v.maxLen("functionName", name, max)
	}
	ref, ok := ParseFunctionName(name)
	if name != "" && !ok {
		v.pattern("functionName", name, pattern)
	}
	if qualifier != "" && (!isQualifier(qualifier) || len(qualifier) > 128) {
		v.pattern("qualifier", qualifier, patternQualifier)
	}
	if err := v.err(); err != nil {
		return Ref{}, err
	}
	if len(ref.Name) > maxPlainNameLen {
		return Ref{}, validationError(1, "Value '"+name+"' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")
	}
	if qualifier != "" {
		if ref.Qualifier != "" && ref.Qualifier != qualifier {
			return Ref{}, gofaas.Errorf(gofaas.EINVALID, "The derived qualifier from the function name does not match the specified qualifier.")
		}
		ref.Qualifier = qualifier
	}
	info := gofaas.RequestInfoFrom(ctx)
	if ref.Region != "" && info.Region != "" && ref.Region != info.Region {
		return Ref{}, gofaas.Errorf(gofaas.ENOTFOUND, "Functions from '%s' are not reachable in this region ('%s')", ref.Region, info.Region)
	}
	if ref.AccountID != "" && info.AccountID != "" && ref.AccountID != info.AccountID {
		return Ref{}, gofaas.Errorf(gofaas.ENOTFOUND, "Function not found: %s",
			gofaas.FunctionARN(regionOf(info), ref.AccountID, ref.Name, ref.Qualifier))
	}
	return ref, nil
}

// Default region and account used when a request carries none (in-process
// callers that set no RequestInfo).
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
)

func regionOf(info *gofaas.RequestInfo) string {
	if info.Region == "" {
		return DefaultRegion
	}
	return info.Region
}

func accountOf(info *gofaas.RequestInfo) string {
	if info.AccountID == "" {
		return DefaultAccountID
	}
	return info.AccountID
}

// ARN returns the ARN of function name (with ":qualifier" when qualifier is
// not empty) in the region and account of the request in ctx.
func ARN(ctx context.Context, name, qualifier string) string {
	info := gofaas.RequestInfoFrom(ctx)
	return gofaas.FunctionARN(regionOf(info), accountOf(info), name, qualifier)
}
