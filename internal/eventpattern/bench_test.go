package eventpattern

import (
	"strings"
	"testing"
)

// benchEvent is a typical event of about 1 KB: an S3 "Object Created"
// event as EventBridge delivers it.
const benchEvent = `{
  "version": "0",
  "id": "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created",
  "source": "aws.s3",
  "account": "123456789012",
  "time": "2021-11-12T00:00:00Z",
  "region": "ca-central-1",
  "resources": ["arn:aws:s3:::example-bucket"],
  "detail": {
    "version": "0",
    "bucket": {"name": "example-bucket"},
    "object": {
      "key": "uploads/2021/11/12/photos/holiday-at-the-beach-with-the-family-0001.png",
      "size": 5242880,
      "etag": "b1946ac92492d2347c6235b4d2611184",
      "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      "sequencer": "00617F08299329D189"
    },
    "request-id": "N4N7GDK58NMKJ12R",
    "requester": "123456789012",
    "source-ip-address": "10.0.138.15",
    "reason": "PutObject",
    "user-agent": "aws-sdk-go/1.44.0 (go1.18; linux; amd64) S3Manager",
    "tags": ["photos", "family", "holiday", "beach", "2021"],
    "storage-class": "STANDARD",
    "checksum": {"algorithm": "SHA256", "value": "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"},
    "metadata": {"content-type": "image/png", "camera": "X100V", "lens": "23mm f/2", "iso": 160, "shutter": "1/1000"}
  }
}`

const benchPattern = `{
  "source": ["aws.s3"],
  "detail-type": ["Object Created"],
  "detail": {
    "bucket": {"name": ["example-bucket"]},
    "object": {"key": [{"prefix": "uploads/"}], "size": [{"numeric": [">", 1024]}]}
  }
}`

func BenchmarkMatch(b *testing.B) {
	p := mustCompile(b, benchPattern)
	ev := []byte(benchEvent)
	if !p.Match(ev) {
		b.Fatal("benchmark pattern does not match its event")
	}
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	for b.Loop() {
		p.Match(ev)
	}
}

func BenchmarkMatchMiss(b *testing.B) {
	p := mustCompile(b, strings.Replace(benchPattern, "aws.s3", "aws.ec2", 1))
	ev := []byte(benchEvent)
	b.ReportAllocs()
	for b.Loop() {
		p.Match(ev)
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(benchPattern); err != nil {
			b.Fatal(err)
		}
	}
}
