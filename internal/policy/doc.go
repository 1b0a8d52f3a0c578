// Package policy parses IAM policy documents and evaluates requests against
// them as AWS IAM does. It is pure: no I/O, no clock (callers put
// aws:CurrentTime and other keys in Request.Context).
//
// # Parsing
//
// Parse validates a document for its Kind (identity, resource or trust
// policy) and returns MalformedPolicyDocument errors with IAM's messages.
// Patterns are compiled once; a *Document is immutable and meant to be
// cached by callers, so Evaluate never parses.
//
// # Matching
//
// Actions are case-insensitive globs (* and ? match anything). Resources
// are case-sensitive and follow "Using wildcards in resource ARNs": * and ?
// stay inside an ARN segment, except a * that ends a segment, which may
// span colons; the service segment cannot be wildcarded. Policy variables
// (${aws:username}, ${aws:PrincipalTag/k}, ${key, 'default'}, and the
// escapes ${*} ${?} ${$}) expand in Resource and condition values of
// 2012-10-17 documents only; their values are literal text. A variable
// that does not resolve to exactly one value makes the Resource entry match
// nothing and the condition false.
//
// # Conditions
//
// Keys are case-insensitive, values case-sensitive (except *IgnoreCase and
// Bool). Keys of a statement are ANDed, values of a key ORed. A missing key
// fails a condition except under IfExists, ForAllValues (the empty set is
// true) and negated operators (StringNotEquals, NotIpAddress, ArnNotLike
// ...), which are true. A negated operator is true when no request value
// matches any policy value; under ForAnyValue/ForAllValues it applies to
// each request value.
//
// # Decisions
//
// Evaluate implements same-account evaluation (see its doc). Explanations
// name the statement that decided (MatchedStatement) and DeniedMessage
// renders AWS's access denied message.
package policy
