// Package sandbox runs one Lambda execution environment: a function's
// runtime process, the protocol that drives it (the Runtime API for
// provided.* runtimes, Go net/rpc for go1.x), its output lines and its
// resource limits.
//
// An Environment serves one invocation at a time; the pool above it makes
// more of them for concurrency. Outcomes of an invocation — success, an
// error the function reported, a timeout, a crash — are data (Outcome), not
// Go errors: only a platform failure is an error.
//
// # Output
//
// stdout and stderr are read in a goroutine each, under one mutex per pipe,
// with non-blocking reads. Flush takes the same mutex and reads whatever is
// left in the pipe, so after the runtime has posted a response every line it
// printed before has been delivered: the pipe holds what write(2) put there.
package sandbox
