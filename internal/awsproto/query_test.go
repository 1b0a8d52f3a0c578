package awsproto

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	body := "Action=CreateUser&Version=2010-05-08&UserName=bob" +
		"&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1" +
		"&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FX" +
		"&TagKeys.member.10=j&TagKeys.member.2=b&TagKeys.member.1=a&TagKeys.member.x=bad&TagKeys.member.01=bad" +
		"&Attributes.entry.1.key=k&Attributes.entry.1.value=v&Empty=&MaxItems=5&Flag=true"
	q, err := ParseQuery([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if q.Action != "CreateUser" || q.Version != "2010-05-08" || q.Get("UserName") != "bob" {
		t.Fatalf("query = %+v", q)
	}
	if got, want := q.Members("Tags"), []map[string]string{{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Tags = %v", got)
	}
	if got := q.Members("PolicyArns"); len(got) != 1 || got[0]["arn"] != "arn:aws:iam::aws:policy/X" {
		t.Fatalf("PolicyArns = %v", got)
	}
	if got, want := q.List("TagKeys"), []string{"a", "b", "j"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("TagKeys = %v", got)
	}
	if got := q.Map("Attributes"); got["k"] != "v" || len(got) != 1 {
		t.Fatalf("Attributes = %v", got)
	}
	if !q.Has("Empty") || q.Has("Missing") || q.Opt("Missing") != nil || *q.Opt("Empty") != "" {
		t.Fatal("Has/Opt")
	}
	if n, ok, err := q.Int("MaxItems"); n != 5 || !ok || err != nil {
		t.Fatalf("Int = %d %v %v", n, ok, err)
	}
	if b, err := q.Bool("Flag"); !b || err != nil {
		t.Fatalf("Bool = %v %v", b, err)
	}
	if _, err := q.Bool("UserName"); err == nil {
		t.Fatal("Bool of a non-boolean")
	}
	if _, err := ParseQuery([]byte("a=%zz")); err == nil {
		t.Fatal("malformed escape accepted")
	}
}

func TestReadQueryMergesURL(t *testing.T) {
	r := httptest.NewRequest("POST", "/?Action=GetUser&UserName=url", strings.NewReader("UserName=body"))
	q, err := ReadQuery(r)
	if err != nil {
		t.Fatal(err)
	}
	if q.Action != "GetUser" || q.Get("UserName") != "body" {
		t.Fatalf("query = %+v", q.Values)
	}
	big := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("a", MaxQueryBody+1)))
	if _, err := ReadQuery(big); err == nil {
		t.Fatal("oversized body accepted")
	}
}

type testUser struct {
	UserName   string            `xml:"UserName"`
	CreateDate time.Time         `xml:"CreateDate"`
	Tags       XMLList[string]   `xml:"Tags"`
	Empty      XMLList[testUser] `xml:"Empty"`
}

func TestWriteQueryResponse(t *testing.T) {
	w := httptest.NewRecorder()
	WriteQueryResponse(w, "GetUser", "https://iam.amazonaws.com/doc/2010-05-08/", "rid", struct {
		User testUser `xml:"User"`
	}{testUser{UserName: "a<b", CreateDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Tags: XMLList[string]{"x", "y"}}})
	want := `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>a&lt;b</UserName>` +
		`<CreateDate>2026-01-02T03:04:05Z</CreateDate><Tags><member>x</member><member>y</member></Tags><Empty></Empty></User></GetUserResult>` +
		`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetUserResponse>`
	if got := w.Body.String(); got != want {
		t.Fatalf("body:\n%s\nwant:\n%s", got, want)
	}
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/xml" {
		t.Fatalf("status %d, content type %s", w.Code, w.Header().Get("Content-Type"))
	}

	w = httptest.NewRecorder()
	WriteQueryResponse(w, "DeleteUser", "ns", "rid", nil)
	if got, want := w.Body.String(), `<DeleteUserResponse xmlns="ns"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteUserResponse>`; got != want {
		t.Fatalf("body = %s", got)
	}
}

func TestWriteQueryError(t *testing.T) {
	for _, tt := range []struct {
		e     *APIError
		fault string
	}{
		{&APIError{Status: http.StatusNotFound, Type: "NoSuchEntity", Message: "The user with name bob cannot be found."}, "Sender"},
		{&APIError{Status: http.StatusInternalServerError, Type: "ServiceFailure", Message: "An internal error occurred."}, "Receiver"},
	} {
		w := httptest.NewRecorder()
		WriteQueryError(w, tt.e, "https://iam.amazonaws.com/doc/2010-05-08/", "rid")
		want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>` + tt.fault + `</Type><Code>` + tt.e.Type +
			`</Code><Message>` + tt.e.Message + `</Message></Error><RequestId>rid</RequestId></ErrorResponse>`
		if got := w.Body.String(); got != want || w.Code != tt.e.Status {
			t.Fatalf("%d %s\nwant %d %s", w.Code, got, tt.e.Status, want)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add([]byte("Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=a&Tags.member.1.Value=b"))
	f.Add([]byte("PolicyArns.member.1.arn=x&TagKeys.member.3=c&A.entry.1.key=k&A.entry.1.value=v"))
	f.Add([]byte("a=%zz&b=%&c"))
	f.Add([]byte("Tags.member.99999999999999999999.Key=x&Tags.member.-1.Key=y&Tags.member.0.Key=z"))
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := ParseQuery(body)
		if err != nil {
			return
		}
		for _, name := range []string{"Tags", "PolicyArns", "TagKeys", "A"} {
			for _, m := range q.Members(name) {
				if len(m) == 0 {
					t.Fatal("empty member")
				}
			}
			q.List(name)
			q.Map(name)
		}
		q.Int("MaxItems")
		q.Bool("Flag")
	})
}
