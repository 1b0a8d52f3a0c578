// Package eventpattern compiles and matches Amazon EventBridge event
// patterns, as AWS documents them in "Amazon EventBridge event patterns"
// and "Content filtering in Amazon EventBridge event patterns", and as
// aws/event-ruler (the library EventBridge runs) implements them.
//
// # Patterns
//
// A pattern is a JSON object. Each key names a field of the event; its
// value is either a nested object (a pattern for a nested field) or an
// array of matchers, any one of which may match (OR). Keys of one object
// must all match (AND); event fields the pattern does not name are
// ignored. "$or": [{...}, {...}] at any object level matches if any of its
// objects (at least two) matches. Matchers are exact values (strings,
// numbers compared numerically, true, false, null) and the objects
// prefix, suffix (each also with {"equals-ignore-case": ...}),
// equals-ignore-case, anything-but (a value, a list of strings or of
// numbers, or {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": ...}),
// numeric ([op, n] or [">"|">=", n, "<"|"<=", m]), exists, cidr and
// wildcard.
//
// # Matching rules worth knowing
//
//   - An event array matches if any element matches. A nested object
//     pattern applied to an array of objects must match within one
//     element (event-ruler's array consistency).
//   - Matchers apply to leaves only: a field whose value is an object, or
//     an array without scalar elements, counts as absent. null is a value:
//     {"exists": true} matches it and {"exists": false} does not.
//   - Numbers are compared as event-ruler does: values between -5e9 and
//     5e9 inclusive, to six decimal places, so 300, 300.0 and 3.0e2 are
//     equal. Outside that range only the literal text can match exactly.
//   - A string that is an IP address matches the same address in any
//     notation; cidr ranges run from the written address to the top of
//     its prefix (event-ruler does not mask the low bits).
//   - Only string values match prefix, suffix, equals-ignore-case,
//     wildcard and cidr; only numbers match numeric. anything-but matches
//     any present value not excluded, including numbers, booleans and
//     null.
//
// # Errors
//
// Compile returns a *gofaas.Error of type InvalidEventPatternException
// whose message is "Event pattern is not valid. Reason: " followed by
// event-ruler's reason and, for most reasons, Jackson's location suffix
// ("\n at [Source: (String)\"...\"; line: 1, column: 13]"), which AWS
// shows as is. Syntax errors of the JSON itself follow Jackson's wording
// as closely as is practical. TestEventPattern adds the checks of the
// TestEventPattern API on the event.
//
// Compiled patterns are immutable and safe for concurrent use.
package eventpattern
