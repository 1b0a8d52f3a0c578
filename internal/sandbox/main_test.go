package sandbox

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the stubs of the cgroup tests.
func TestMain(m *testing.M) {
	if IsStub() {
		StubMain()
	}
	os.Exit(m.Run())
}
