// Package sigv4 verifies AWS Signature Version 4 on incoming requests, as
// AWS's own front ends do, so that requests signed by the AWS SDKs and the aws
// CLI verify unchanged and every bad request gets AWS's own error.
//
// # Forms
//
// A request is signed either in its Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=HEX") or in its query string (a presigned URL:
// X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature, and X-Amz-Security-Token for session
// credentials). A request with neither is MissingAuthenticationToken.
//
// # Canonical request
//
// The canonical request is rebuilt from what was on the wire, never from
// Go's decoded view of it:
//
//   - the path comes from r.RequestURI (r.URL.EscapedPath when RequestURI is
//     not a path), and is URI-encoded a second time for every service except
//     s3 ("%3A" becomes "%253A"), which Lambda ARNs and qualifiers depend on.
//     When the signature does not match and the path has "." or ".." segments
//     or repeated slashes, the path is normalised (as botocore does) and the
//     signature tried once more;
//   - query parameters are decoded, RFC 3986 encoded (space is "%20") and
//     sorted by encoded key, then encoded value; presigned requests leave out
//     X-Amz-Signature;
//   - only the headers named in SignedHeaders are used: host from r.Host
//     (Go removes Host from r.Header), values trimmed, inner runs of spaces
//     collapsed, repeated headers joined with ","; host must be signed, and
//     x-amz-date too when it carries the request time;
//   - the payload hash is sha256 of the buffered body, or the
//     X-Amz-Content-Sha256 value when it equals that hash. UNSIGNED-PAYLOAD
//     is honoured for s3 only.
//
// # Time
//
// The request time (X-Amz-Date, else Date) must fall within MaxSkew of now
// and its date must equal the credential scope's date. A presigned request
// must have 1 <= X-Amz-Expires <= 604800 and be used before its date plus
// X-Amz-Expires.
//
// # Keys and comparison
//
// Signing keys are derived once per (access key, date, region, service) and
// kept in a bounded cache; the secret is kept beside each key, so a rotated
// secret is never served a stale key. Signatures are compared with
// crypto/subtle, as are session tokens: credentials with a session token
// need X-Amz-Security-Token equal to it (and signed), and a token sent with
// a long-term key is refused.
//
// # Errors
//
// Every failure is an *Error whose Kind says what went wrong; Error.For
// renders it as AWS renders it for a protocol family ("json", "rest-json",
// "query"): the exception name, the HTTP status and the message, including
// the expected canonical request and string to sign when a signature does
// not match.
package sigv4
