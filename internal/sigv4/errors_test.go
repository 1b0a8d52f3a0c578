package sigv4_test

import (
	"strings"
	"testing"

	"github.com/gofaas/gofaas/internal/sigv4"
)

// Each kind of failure, as each protocol family of AWS answers it.
func TestErrorFor(t *testing.T) {
	const (
		invalid  = "The security token included in the request is invalid."
		mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
		expired  = "Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z (20260101T001600Z - 15 min.)"
		incomp   = "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/lambda/aws4_request"
	)
	errs := map[sigv4.Kind]*sigv4.Error{
		sigv4.MissingAuthenticationToken: {Kind: sigv4.MissingAuthenticationToken, Message: "Missing Authentication Token"},
		sigv4.IncompleteSignature:        {Kind: sigv4.IncompleteSignature, Message: incomp},
		sigv4.InvalidClientTokenId:       {Kind: sigv4.InvalidClientTokenId, Message: invalid},
		sigv4.InvalidToken:               {Kind: sigv4.InvalidToken, Message: invalid},
		sigv4.SignatureDoesNotMatch:      {Kind: sigv4.SignatureDoesNotMatch, Message: mismatch, CanonicalRequest: "CR", StringToSign: "STS"},
		sigv4.SignatureExpired:           {Kind: sigv4.SignatureExpired, Message: expired},
		sigv4.RequestExpired:             {Kind: sigv4.RequestExpired, Message: "Request has expired."},
	}
	withCanonical := mismatch + "\n\nThe Canonical String for this request should have been\n'CR'\n\nThe String-to-Sign should have been\n'STS'\n"
	tests := []struct {
		kind     sigv4.Kind
		protocol string
		status   int
		typ      string
		message  string
	}{
		// rest-json: Lambda, API Gateway.
		{sigv4.MissingAuthenticationToken, "rest-json", 403, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{sigv4.IncompleteSignature, "rest-json", 400, "IncompleteSignatureException", incomp},
		{sigv4.InvalidClientTokenId, "rest-json", 403, "UnrecognizedClientException", invalid},
		{sigv4.InvalidToken, "rest-json", 403, "UnrecognizedClientException", invalid},
		{sigv4.SignatureDoesNotMatch, "rest-json", 403, "InvalidSignatureException", withCanonical},
		{sigv4.SignatureExpired, "rest-json", 403, "InvalidSignatureException", expired},
		{sigv4.RequestExpired, "rest-json", 403, "InvalidSignatureException", "Request has expired."},
		// json: DynamoDB, Logs, Events answer 400 throughout.
		{sigv4.MissingAuthenticationToken, "json", 400, "MissingAuthenticationTokenException", "Request is missing Authentication Token"},
		{sigv4.IncompleteSignature, "json", 400, "IncompleteSignatureException", incomp},
		{sigv4.InvalidClientTokenId, "json", 400, "UnrecognizedClientException", invalid},
		{sigv4.InvalidToken, "json", 400, "UnrecognizedClientException", invalid},
		{sigv4.SignatureDoesNotMatch, "json", 400, "InvalidSignatureException", withCanonical},
		{sigv4.SignatureExpired, "json", 400, "InvalidSignatureException", expired},
		// query: IAM, STS.
		{sigv4.MissingAuthenticationToken, "query", 403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{sigv4.IncompleteSignature, "query", 400, "IncompleteSignature", incomp},
		{sigv4.InvalidClientTokenId, "query", 403, "InvalidClientTokenId", invalid},
		{sigv4.InvalidToken, "query", 403, "InvalidClientTokenId", invalid},
		{sigv4.SignatureDoesNotMatch, "query", 403, "SignatureDoesNotMatch", withCanonical},
		{sigv4.SignatureExpired, "query", 403, "SignatureDoesNotMatch", expired},
		{sigv4.RequestExpired, "query", 403, "SignatureDoesNotMatch", "Request has expired."},
	}
	for _, tc := range tests {
		t.Run(tc.protocol+"/"+string(tc.kind), func(t *testing.T) {
			status, typ, msg := errs[tc.kind].For(tc.protocol)
			if status != tc.status || typ != tc.typ || msg != tc.message {
				t.Fatalf("For(%q) = %d %s %q\nwant %d %s %q", tc.protocol, status, typ, msg, tc.status, tc.typ, tc.message)
			}
		})
	}
	// Unknown protocols are rest-json.
	if status, typ, _ := errs[sigv4.InvalidClientTokenId].For("rpc-v2-cbor"); status != 403 || typ != "UnrecognizedClientException" {
		t.Errorf("unknown protocol: %d %s", status, typ)
	}
	if !strings.HasPrefix(errs[sigv4.SignatureDoesNotMatch].Error(), "sigv4: SignatureDoesNotMatch: ") {
		t.Errorf("Error() = %q", errs[sigv4.SignatureDoesNotMatch].Error())
	}
}
