package gofaas

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name:
// arn:partition:service:region:account-id:resource.
type ARN struct {
	Partition string
	Service   string
	Region    string
	AccountID string
	Resource  string
}

// String formats the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// ParseARN parses s. It returns EINVALID if s is not an ARN.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, Errorf(EINVALID, "%q is not a valid ARN", s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: parts[5]}, nil
}

// FunctionARN returns the ARN of a function, with ":qualifier" when qualifier
// is not empty.
func FunctionARN(region, account, name, qualifier string) string {
	s := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, name)
	if qualifier != "" {
		s += ":" + qualifier
	}
	return s
}
