package rules

import (
	"testing"
	"time"

	"github.com/gofaas/gofaas/internal/schedule"
)

// TestSuspendedNotReplayed: when the clock jumps past many occurrences (a
// suspended laptop), the rule fires once, for the latest due occurrence.
func TestSuspendedNotReplayed(t *testing.T) {
	s, err := schedule.Parse("rate(1 minute)")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	s = schedule.Anchored(s, start)
	now := start.Add(2*24*time.Hour + 30*time.Second)
	got := latestBefore(s, start.Add(time.Minute), now)
	if want := start.Add(2 * 24 * time.Hour); !got.Equal(want) {
		t.Errorf("latestBefore = %v, want %v", got, want)
	}
}
