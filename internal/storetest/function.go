package storetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gofaas/gofaas"
)

// RevisionMismatch is the message AWS gives when a RevisionId does not
// match.
const RevisionMismatch = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"

// RunFunctionStore runs the gofaas.FunctionStore contract against stores
// returned by open, one fresh empty store per subtest.
func RunFunctionStore(t *testing.T, open func(t *testing.T) gofaas.FunctionStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s gofaas.FunctionStore)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"CreateConflict", testCreateConflict},
		{"NotFound", testFunctionNotFound},
		{"UpdateFunction", testUpdateFunction},
		{"ListFunctionsPaging", testListFunctionsPaging},
		{"PublishVersion", testPublishVersion},
		{"PublishDedup", testPublishDedup},
		{"PublishRevision", testPublishRevision},
		{"VersionNumbersNotReused", testVersionNumbersNotReused},
		{"ListVersionsPaging", testListVersionsPaging},
		{"DeleteLatestVersion", testDeleteLatestVersion},
		{"DeleteFunctionCascades", testDeleteFunctionCascades},
		{"Aliases", testAliases},
		{"AliasRevision", testAliasRevision},
		{"ListAliases", testListAliases},
		{"DeleteReferencedVersion", testDeleteReferencedVersion},
		{"Concurrency", testConcurrency},
		{"EventInvokeConfig", testEventInvokeConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// newFunction returns a function configuration with every field set.
func newFunction(name string) *gofaas.Function {
	return &gofaas.Function{
		Name:          name,
		Runtime:       gofaas.RuntimeProvidedAL2023,
		Role:          "arn:aws:iam::000000000000:role/lambda",
		Handler:       "bootstrap",
		Description:   "a function",
		Timeout:       30,
		MemorySize:    256,
		Environment:   map[string]string{"A": "1", "B": "two"},
		Architectures: []string{"x86_64"},
		EphemeralMB:   512,
		CodeSha256:    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		CodeSize:      1234,
		State:         "Active",
		UpdateStatus:  "Successful",
	}
}

// create stores newFunction(name) and returns it as stored.
func create(t *testing.T, s gofaas.FunctionStore, name string) *gofaas.Function {
	t.Helper()
	fn := newFunction(name)
	ok(t, s.CreateFunction(context.Background(), fn))
	return fn
}

// publish publishes name and returns the version number.
func publish(t *testing.T, s gofaas.FunctionStore, name string) string {
	t.Helper()
	v, err := s.PublishVersion(context.Background(), name, "", "")
	ok(t, err)
	return v.Version
}

// change updates name's $LATEST so that the next publish is not skipped.
func change(t *testing.T, s gofaas.FunctionStore, name string, timeout int) {
	t.Helper()
	ctx := context.Background()
	fn, err := s.GetFunction(ctx, name, gofaas.LatestVersion)
	ok(t, err)
	fn.Timeout = timeout
	ok(t, s.UpdateFunction(ctx, fn, ""))
}

// sameConfig compares the stored configuration of two versions, ignoring
// what each write changes.
func sameConfig(t *testing.T, got, want *gofaas.Function) {
	t.Helper()
	g, w := *got, *want
	g.Version, w.Version = "", ""
	g.LastModified, w.LastModified = time.Time{}, time.Time{}
	g.RevisionID, w.RevisionID = "", ""
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("function =\n%+v\nwant\n%+v", g, w)
	}
}

func versions(fns []*gofaas.Function) []string {
	var out []string
	for _, f := range fns {
		out = append(out, f.Version)
	}
	return out
}

func testCreateAndGet(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	fn := newFunction("hello")
	ok(t, s.CreateFunction(ctx, fn))
	if fn.Version != gofaas.LatestVersion {
		t.Errorf("Version = %q, want $LATEST", fn.Version)
	}
	if fn.RevisionID == "" {
		t.Error("RevisionID not set")
	}
	if fn.LastModified.IsZero() {
		t.Error("LastModified not set")
	}
	for _, version := range []string{gofaas.LatestVersion, ""} {
		got, err := s.GetFunction(ctx, "hello", version)
		ok(t, err)
		if !reflect.DeepEqual(got.Environment, fn.Environment) || !slices.Equal(got.Architectures, fn.Architectures) {
			t.Fatalf("JSON columns = %v %v, want %v %v", got.Environment, got.Architectures, fn.Environment, fn.Architectures)
		}
		if !got.LastModified.Equal(fn.LastModified) {
			t.Errorf("LastModified = %v, want %v", got.LastModified, fn.LastModified)
		}
		if got.RevisionID != fn.RevisionID {
			t.Errorf("RevisionID = %q, want %q", got.RevisionID, fn.RevisionID)
		}
		sameConfig(t, got, fn)
	}

	t.Run("NilMapsRoundTrip", func(t *testing.T) {
		bare := &gofaas.Function{Name: "bare", Runtime: gofaas.RuntimeGo1x}
		ok(t, s.CreateFunction(ctx, bare))
		got, err := s.GetFunction(ctx, "bare", gofaas.LatestVersion)
		ok(t, err)
		if got.Environment != nil || got.Architectures != nil {
			t.Fatalf("Environment, Architectures = %#v, %#v, want nil, nil", got.Environment, got.Architectures)
		}
	})
}

func testCreateConflict(t *testing.T, s gofaas.FunctionStore) {
	create(t, s, "dup")
	wantCode(t, s.CreateFunction(context.Background(), newFunction("dup")), gofaas.ECONFLICT)
}

func testFunctionNotFound(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "exists")
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "exists", Name: "live", FunctionVersion: gofaas.LatestVersion}))
	tests := []struct {
		name string
		call func() error
	}{
		{"GetFunction", func() error { _, err := s.GetFunction(ctx, "missing", ""); return err }},
		{"GetFunctionVersion", func() error { _, err := s.GetFunction(ctx, "exists", "7"); return err }},
		{"UpdateFunction", func() error { return s.UpdateFunction(ctx, newFunction("missing"), "") }},
		{"DeleteFunction", func() error { return s.DeleteFunction(ctx, "missing", "") }},
		{"DeleteVersion", func() error { return s.DeleteFunction(ctx, "exists", "7") }},
		{"PublishVersion", func() error { _, err := s.PublishVersion(ctx, "missing", "", ""); return err }},
		{"ListVersions", func() error { _, err := s.ListVersions(ctx, "missing", "", 0); return err }},
		{"CreateAliasFunction", func() error {
			return s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "missing", Name: "a", FunctionVersion: "$LATEST"})
		}},
		{"CreateAliasVersion", func() error {
			return s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "exists", Name: "a", FunctionVersion: "7"})
		}},
		{"CreateAliasWeightedVersion", func() error {
			return s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "exists", Name: "a", FunctionVersion: "$LATEST",
				AdditionalVersionWeights: map[string]float64{"7": 0.5}})
		}},
		{"GetAliasFunction", func() error { _, err := s.GetAlias(ctx, "missing", "live"); return err }},
		{"GetAlias", func() error { _, err := s.GetAlias(ctx, "exists", "dead"); return err }},
		{"UpdateAlias", func() error {
			return s.UpdateAlias(ctx, &gofaas.Alias{FunctionName: "exists", Name: "dead", FunctionVersion: "$LATEST"}, "")
		}},
		{"UpdateAliasVersion", func() error {
			return s.UpdateAlias(ctx, &gofaas.Alias{FunctionName: "exists", Name: "live", FunctionVersion: "7"}, "")
		}},
		{"DeleteAlias", func() error { return s.DeleteAlias(ctx, "exists", "dead") }},
		{"DeleteAliasFunction", func() error { return s.DeleteAlias(ctx, "missing", "live") }},
		{"ListAliases", func() error { _, err := s.ListAliases(ctx, "missing", "", "", 0); return err }},
		{"PutConcurrency", func() error { return s.PutConcurrency(ctx, "missing", 5) }},
		{"GetConcurrency", func() error { _, err := s.GetConcurrency(ctx, "missing"); return err }},
		{"PutEventInvokeConfigFunction", func() error {
			return s.PutEventInvokeConfig(ctx, &gofaas.EventInvokeConfig{FunctionName: "missing"})
		}},
		{"PutEventInvokeConfigQualifier", func() error {
			return s.PutEventInvokeConfig(ctx, &gofaas.EventInvokeConfig{FunctionName: "exists", Qualifier: "7"})
		}},
		{"GetEventInvokeConfig", func() error { _, err := s.GetEventInvokeConfig(ctx, "exists", ""); return err }},
		{"GetEventInvokeConfigFunction", func() error { _, err := s.GetEventInvokeConfig(ctx, "missing", ""); return err }},
		{"DeleteEventInvokeConfig", func() error { return s.DeleteEventInvokeConfig(ctx, "exists", "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), gofaas.ENOTFOUND)
		})
	}
}

func testUpdateFunction(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	fn := create(t, s, "f")
	first := fn.RevisionID

	t.Run("RevisionMismatch", func(t *testing.T) {
		upd := newFunction("f")
		upd.Timeout = 60
		err := s.UpdateFunction(ctx, upd, "not-the-revision")
		wantCode(t, err, gofaas.EPRECONDITION)
		wantMessage(t, err, RevisionMismatch)
		got, err := s.GetFunction(ctx, "f", "")
		ok(t, err)
		if got.Timeout != 30 {
			t.Fatalf("Timeout = %d after a failed update, want 30", got.Timeout)
		}
	})
	t.Run("MatchingRevision", func(t *testing.T) {
		upd := newFunction("f")
		upd.Timeout = 60
		upd.Environment = map[string]string{"C": "3"}
		ok(t, s.UpdateFunction(ctx, upd, first))
		if upd.RevisionID == "" || upd.RevisionID == first {
			t.Fatalf("RevisionID = %q after update, want a new one (was %q)", upd.RevisionID, first)
		}
		got, err := s.GetFunction(ctx, "f", "")
		ok(t, err)
		if got.RevisionID != upd.RevisionID {
			t.Fatalf("stored RevisionID = %q, want %q", got.RevisionID, upd.RevisionID)
		}
		sameConfig(t, got, upd)
	})
	t.Run("EmptyRevisionAlwaysApplies", func(t *testing.T) {
		upd := newFunction("f")
		upd.Timeout = 90
		ok(t, s.UpdateFunction(ctx, upd, ""))
		got, err := s.GetFunction(ctx, "f", "")
		ok(t, err)
		if got.Timeout != 90 {
			t.Fatalf("Timeout = %d, want 90", got.Timeout)
		}
	})
	t.Run("StaleRevision", func(t *testing.T) {
		wantCode(t, s.UpdateFunction(ctx, newFunction("f"), first), gofaas.EPRECONDITION)
	})
}

func testListFunctionsPaging(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	names := []string{"delta", "alpha", "echo", "charlie", "bravo"}
	for _, n := range names {
		create(t, s, n)
	}
	publish(t, s, "alpha") // versions are not listed
	slices.Sort(names)

	all, err := s.ListFunctions(ctx, "", 0)
	ok(t, err)
	if got := functionNames(all); !slices.Equal(got, names) {
		t.Fatalf("ListFunctions = %v, want %v", got, names)
	}
	for _, f := range all {
		if f.Version != gofaas.LatestVersion {
			t.Fatalf("listed version %s:%s, want only $LATEST", f.Name, f.Version)
		}
	}

	for _, size := range []int{1, 2, 3, 5, 10} {
		t.Run(fmt.Sprint("PageSize", size), func(t *testing.T) {
			var got []string
			marker := ""
			for range 10 {
				page, err := s.ListFunctions(ctx, marker, size)
				ok(t, err)
				if len(page) > size {
					t.Fatalf("page of %d, want at most %d", len(page), size)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, functionNames(page)...)
				marker = page[len(page)-1].Name
			}
			if !slices.Equal(got, names) {
				t.Fatalf("paged = %v, want %v", got, names)
			}
		})
	}
}

func functionNames(fns []*gofaas.Function) []string {
	var out []string
	for _, f := range fns {
		out = append(out, f.Name)
	}
	return out
}

func testPublishVersion(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	fn := create(t, s, "f")
	v1, err := s.PublishVersion(ctx, "f", "", "")
	ok(t, err)
	if v1.Version != "1" {
		t.Fatalf("first version = %q, want 1", v1.Version)
	}
	if v1.RevisionID == "" || v1.LastModified.IsZero() {
		t.Fatalf("published version lacks RevisionID or LastModified: %+v", v1)
	}
	sameConfig(t, v1, fn)

	change(t, s, "f", 60)
	v2, err := s.PublishVersion(ctx, "f", "second", "")
	ok(t, err)
	if got, want := v2.Version, "2"; got != want {
		t.Fatalf("second version = %q, want %q", got, want)
	}
	if got, want := v2.Description, "second"; got != want {
		t.Fatalf("Description = %q, want %q (the publish description)", got, want)
	}

	t.Run("VersionsAreImmutable", func(t *testing.T) {
		change(t, s, "f", 99)
		got, err := s.GetFunction(ctx, "f", "1")
		ok(t, err)
		if got.Timeout != 30 || got.Version != "1" {
			t.Fatalf("version 1 = timeout %d version %q, want 30, 1", got.Timeout, got.Version)
		}
		got, err = s.GetFunction(ctx, "f", "2")
		ok(t, err)
		if got.Timeout != 60 || got.Description != "second" {
			t.Fatalf("version 2 = timeout %d %q, want 60 \"second\"", got.Timeout, got.Description)
		}
	})
	t.Run("UpdateDoesNotTouchVersions", func(t *testing.T) {
		got, err := s.GetFunction(ctx, "f", "2")
		ok(t, err)
		if got.RevisionID != v2.RevisionID {
			t.Fatalf("version 2 RevisionID changed from %q to %q", v2.RevisionID, got.RevisionID)
		}
	})
}

func testPublishDedup(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	v1, err := s.PublishVersion(ctx, "f", "", "")
	ok(t, err)

	again, err := s.PublishVersion(ctx, "f", "", "")
	ok(t, err)
	if again.Version != "1" || again.RevisionID != v1.RevisionID {
		t.Fatalf("unchanged publish gave version %q (%s), want 1 (%s)", again.Version, again.RevisionID, v1.RevisionID)
	}

	// An update that writes the same configuration is not a change.
	ok(t, s.UpdateFunction(ctx, newFunction("f"), ""))
	if v := publish(t, s, "f"); v != "1" {
		t.Fatalf("publish after a no-op update = %q, want 1", v)
	}

	tests := []struct {
		name   string
		mutate func(f *gofaas.Function)
	}{
		{"Code", func(f *gofaas.Function) { f.CodeSha256 = "00" + f.CodeSha256[2:] }},
		{"Environment", func(f *gofaas.Function) { f.Environment = map[string]string{"A": "changed"} }},
		{"Memory", func(f *gofaas.Function) { f.MemorySize = 1024 }},
		{"Handler", func(f *gofaas.Function) { f.Handler = "other" }},
		{"Description", func(f *gofaas.Function) { f.Description = "new words" }},
		{"Architectures", func(f *gofaas.Function) { f.Architectures = []string{"arm64"} }},
	}
	want := 1
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := s.GetFunction(ctx, "f", "")
			ok(t, err)
			tt.mutate(fn)
			ok(t, s.UpdateFunction(ctx, fn, ""))
			want++
			if got := publish(t, s, "f"); got != fmt.Sprint(want) {
				t.Fatalf("publish after %s change = %q, want %d", tt.name, got, want)
			}
			if got := publish(t, s, "f"); got != fmt.Sprint(want) {
				t.Fatalf("second publish = %q, want %d again", got, want)
			}
		})
	}
}

func testPublishRevision(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	fn := create(t, s, "f")
	_, err := s.PublishVersion(ctx, "f", "", "stale")
	wantCode(t, err, gofaas.EPRECONDITION)
	wantMessage(t, err, RevisionMismatch)
	v, err := s.PublishVersion(ctx, "f", "", fn.RevisionID)
	ok(t, err)
	if v.Version != "1" {
		t.Fatalf("version = %q, want 1", v.Version)
	}
}

func testVersionNumbersNotReused(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	publish(t, s, "f")
	change(t, s, "f", 40)
	if v := publish(t, s, "f"); v != "2" {
		t.Fatalf("version = %q, want 2", v)
	}
	ok(t, s.DeleteFunction(ctx, "f", "2"))
	_, err := s.GetFunction(ctx, "f", "2")
	wantCode(t, err, gofaas.ENOTFOUND)

	change(t, s, "f", 50)
	if v := publish(t, s, "f"); v != "3" {
		t.Fatalf("version after deleting 2 = %q, want 3", v)
	}
	// Deleting the newest version does not free its number either.
	ok(t, s.DeleteFunction(ctx, "f", "3"))
	change(t, s, "f", 60)
	if v := publish(t, s, "f"); v != "4" {
		t.Fatalf("version after deleting 3 = %q, want 4", v)
	}
	list, err := s.ListVersions(ctx, "f", "", 0)
	ok(t, err)
	if got, want := versions(list), []string{"$LATEST", "1", "4"}; !slices.Equal(got, want) {
		t.Fatalf("ListVersions = %v, want %v", got, want)
	}
}

func testListVersionsPaging(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	create(t, s, "other")
	publish(t, s, "other")
	// Enough versions that text order (1, 10, 11, 2, ...) would differ.
	for i := range 11 {
		change(t, s, "f", 10+i)
		publish(t, s, "f")
	}
	want := []string{"$LATEST"}
	for i := 1; i <= 11; i++ {
		want = append(want, fmt.Sprint(i))
	}
	all, err := s.ListVersions(ctx, "f", "", 0)
	ok(t, err)
	if got := versions(all); !slices.Equal(got, want) {
		t.Fatalf("ListVersions = %v, want %v", got, want)
	}
	for _, size := range []int{1, 3, 12, 50} {
		t.Run(fmt.Sprint("PageSize", size), func(t *testing.T) {
			var got []string
			marker := ""
			for range 20 {
				page, err := s.ListVersions(ctx, "f", marker, size)
				ok(t, err)
				if len(page) > size {
					t.Fatalf("page of %d, want at most %d", len(page), size)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, versions(page)...)
				marker = page[len(page)-1].Version
			}
			if !slices.Equal(got, want) {
				t.Fatalf("paged = %v, want %v", got, want)
			}
		})
	}
	t.Run("NoVersionsYet", func(t *testing.T) {
		create(t, s, "fresh")
		list, err := s.ListVersions(ctx, "fresh", gofaas.LatestVersion, 10)
		ok(t, err)
		if len(list) != 0 {
			t.Fatalf("ListVersions after $LATEST = %v, want none", versions(list))
		}
	})
}

func testDeleteLatestVersion(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	wantCode(t, s.DeleteFunction(ctx, "f", gofaas.LatestVersion), gofaas.EINVALID)
	_, err := s.GetFunction(ctx, "f", "")
	ok(t, err)
}

func testDeleteFunctionCascades(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	create(t, s, "keep")
	publish(t, s, "f")
	change(t, s, "f", 77)
	publish(t, s, "f")
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "1"}))
	ok(t, s.PutConcurrency(ctx, "f", 5))
	ok(t, s.PutConcurrency(ctx, "keep", 3))
	ok(t, s.PutEventInvokeConfig(ctx, &gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "live"}))
	ok(t, s.PutEventInvokeConfig(ctx, &gofaas.EventInvokeConfig{FunctionName: "f"}))

	ok(t, s.DeleteFunction(ctx, "f", ""))
	for _, v := range []string{"", "1", "2"} {
		_, err := s.GetFunction(ctx, "f", v)
		wantCode(t, err, gofaas.ENOTFOUND)
	}
	reserved, err := s.ReservedConcurrency(ctx)
	ok(t, err)
	if want := map[string]int{"keep": 3}; !maps.Equal(reserved, want) {
		t.Fatalf("ReservedConcurrency = %v, want %v", reserved, want)
	}
	if got, err := s.ListFunctions(ctx, "", 0); err != nil || !slices.Equal(functionNames(got), []string{"keep"}) {
		t.Fatalf("ListFunctions = %v, %v, want [keep]", functionNames(got), err)
	}

	// A new function of the same name starts afresh.
	create(t, s, "f")
	if v := publish(t, s, "f"); v != "1" {
		t.Fatalf("first version of a re-created function = %q, want 1", v)
	}
	_, err = s.GetAlias(ctx, "f", "live")
	wantCode(t, err, gofaas.ENOTFOUND)
	n, err := s.GetConcurrency(ctx, "f")
	ok(t, err)
	if n != -1 {
		t.Fatalf("GetConcurrency = %d, want -1", n)
	}
	_, err = s.GetEventInvokeConfig(ctx, "f", "")
	wantCode(t, err, gofaas.ENOTFOUND)
}

func testAliases(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	publish(t, s, "f")
	change(t, s, "f", 45)
	publish(t, s, "f")

	a := &gofaas.Alias{
		FunctionName:             "f",
		Name:                     "live",
		FunctionVersion:          "1",
		Description:              "canary",
		AdditionalVersionWeights: map[string]float64{"2": 0.25},
	}
	ok(t, s.CreateAlias(ctx, a))
	if a.RevisionID == "" {
		t.Fatal("RevisionID not set")
	}
	got, err := s.GetAlias(ctx, "f", "live")
	ok(t, err)
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("GetAlias = %+v, want %+v", got, a)
	}

	wantCode(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "2"}), gofaas.ECONFLICT)

	t.Run("Update", func(t *testing.T) {
		upd := &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "2"}
		ok(t, s.UpdateAlias(ctx, upd, a.RevisionID))
		if upd.RevisionID == "" || upd.RevisionID == a.RevisionID {
			t.Fatalf("RevisionID = %q after update, want a new one", upd.RevisionID)
		}
		got, err := s.GetAlias(ctx, "f", "live")
		ok(t, err)
		if !reflect.DeepEqual(got, upd) {
			t.Fatalf("GetAlias = %+v, want %+v", got, upd)
		}
	})
	t.Run("PointsAtLatest", func(t *testing.T) {
		ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "head", FunctionVersion: gofaas.LatestVersion}))
	})
	t.Run("Delete", func(t *testing.T) {
		ok(t, s.DeleteAlias(ctx, "f", "live"))
		_, err := s.GetAlias(ctx, "f", "live")
		wantCode(t, err, gofaas.ENOTFOUND)
		wantCode(t, s.DeleteAlias(ctx, "f", "live"), gofaas.ENOTFOUND)
	})
}

func testAliasRevision(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	publish(t, s, "f")
	a := &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "1"}
	ok(t, s.CreateAlias(ctx, a))
	err := s.UpdateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "$LATEST"}, "stale")
	wantCode(t, err, gofaas.EPRECONDITION)
	wantMessage(t, err, RevisionMismatch)
	got, err := s.GetAlias(ctx, "f", "live")
	ok(t, err)
	if got.FunctionVersion != "1" || got.RevisionID != a.RevisionID {
		t.Fatalf("alias changed by a failed update: %+v", got)
	}
	ok(t, s.UpdateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "$LATEST"}, ""))
}

func testListAliases(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	create(t, s, "g")
	publish(t, s, "f")
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "g", Name: "other", FunctionVersion: "$LATEST"}))
	for _, a := range []struct{ name, version string }{
		{"prod", "1"}, {"beta", "$LATEST"}, {"dev", "$LATEST"}, {"alpha", "1"}, {"canary", "1"},
	} {
		ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: a.name, FunctionVersion: a.version}))
	}
	tests := []struct {
		version string
		want    []string
	}{
		{"", []string{"alpha", "beta", "canary", "dev", "prod"}},
		{"1", []string{"alpha", "canary", "prod"}},
		{"$LATEST", []string{"beta", "dev"}},
		{"9", nil},
	}
	for _, tt := range tests {
		for _, size := range []int{0, 1, 2, 10} {
			t.Run(fmt.Sprintf("Version%q/PageSize%d", tt.version, size), func(t *testing.T) {
				var got []string
				marker := ""
				for range 10 {
					page, err := s.ListAliases(ctx, "f", tt.version, marker, size)
					ok(t, err)
					if size > 0 && len(page) > size {
						t.Fatalf("page of %d, want at most %d", len(page), size)
					}
					for _, a := range page {
						if a.FunctionName != "f" {
							t.Fatalf("listed alias of %q", a.FunctionName)
						}
						got = append(got, a.Name)
					}
					if len(page) == 0 || size == 0 {
						break
					}
					marker = page[len(page)-1].Name
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("ListAliases = %v, want %v", got, tt.want)
				}
			})
		}
	}
}

func testDeleteReferencedVersion(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	for i := range 3 {
		change(t, s, "f", 10+i)
		publish(t, s, "f")
	}
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "1"}))
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "blue", FunctionVersion: "1"}))
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "canary", FunctionVersion: "3",
		AdditionalVersionWeights: map[string]float64{"2": 0.1}}))

	tests := []struct {
		version string
		message string
	}{
		{"1", "Unable to delete version because the following aliases reference it: [blue, live]"},
		{"2", "Unable to delete version because the following aliases reference it: [canary]"},
		{"3", "Unable to delete version because the following aliases reference it: [canary]"},
	}
	for _, tt := range tests {
		t.Run("Version"+tt.version, func(t *testing.T) {
			err := s.DeleteFunction(ctx, "f", tt.version)
			wantCode(t, err, gofaas.ECONFLICT)
			wantMessage(t, err, tt.message)
			_, err = s.GetFunction(ctx, "f", tt.version)
			ok(t, err)
		})
	}
	t.Run("AfterAliasMoves", func(t *testing.T) {
		ok(t, s.UpdateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "canary", FunctionVersion: "3"}, ""))
		ok(t, s.DeleteFunction(ctx, "f", "2"))
	})
}

func testConcurrency(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "a")
	create(t, s, "b")
	get := func(name string) int {
		t.Helper()
		n, err := s.GetConcurrency(ctx, name)
		ok(t, err)
		return n
	}
	if n := get("a"); n != -1 {
		t.Fatalf("unset concurrency = %d, want -1", n)
	}
	ok(t, s.PutConcurrency(ctx, "a", 10))
	ok(t, s.PutConcurrency(ctx, "b", 0)) // zero is a valid reservation: throttle everything
	if n := get("a"); n != 10 {
		t.Fatalf("concurrency = %d, want 10", n)
	}
	if n := get("b"); n != 0 {
		t.Fatalf("concurrency = %d, want 0", n)
	}
	ok(t, s.PutConcurrency(ctx, "a", 20))
	all, err := s.ReservedConcurrency(ctx)
	ok(t, err)
	if want := map[string]int{"a": 20, "b": 0}; !maps.Equal(all, want) {
		t.Fatalf("ReservedConcurrency = %v, want %v", all, want)
	}
	ok(t, s.PutConcurrency(ctx, "a", -1))
	if n := get("a"); n != -1 {
		t.Fatalf("deleted concurrency = %d, want -1", n)
	}
	ok(t, s.PutConcurrency(ctx, "a", -1)) // deleting twice is fine
	all, err = s.ReservedConcurrency(ctx)
	ok(t, err)
	if want := map[string]int{"b": 0}; !maps.Equal(all, want) {
		t.Fatalf("ReservedConcurrency = %v, want %v", all, want)
	}
}

func testEventInvokeConfig(t *testing.T, s gofaas.FunctionStore) {
	ctx := context.Background()
	create(t, s, "f")
	publish(t, s, "f")
	ok(t, s.CreateAlias(ctx, &gofaas.Alias{FunctionName: "f", Name: "live", FunctionVersion: "1"}))
	retries, age := 0, 120

	tests := []struct {
		name string
		in   gofaas.EventInvokeConfig
		want gofaas.EventInvokeConfig
	}{
		{"Unqualified", gofaas.EventInvokeConfig{FunctionName: "f"},
			gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "$LATEST"}},
		{"Version", gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "1", MaximumRetryAttempts: &retries,
			MaximumEventAgeInSeconds: &age, OnFailure: "arn:aws:sqs:us-east-1:000000000000:dlq"},
			gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "1", MaximumRetryAttempts: &retries,
				MaximumEventAgeInSeconds: &age, OnFailure: "arn:aws:sqs:us-east-1:000000000000:dlq"}},
		{"Alias", gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "live", OnSuccess: "arn:aws:lambda:us-east-1:000000000000:function:next"},
			gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "live", OnSuccess: "arn:aws:lambda:us-east-1:000000000000:function:next"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			ok(t, s.PutEventInvokeConfig(ctx, &in))
			if in.LastModified.IsZero() {
				t.Fatal("LastModified not set")
			}
			got, err := s.GetEventInvokeConfig(ctx, "f", tt.in.Qualifier)
			ok(t, err)
			if !got.LastModified.Equal(in.LastModified) {
				t.Fatalf("LastModified = %v, want %v", got.LastModified, in.LastModified)
			}
			got.LastModified = time.Time{}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("GetEventInvokeConfig = %+v, want %+v", *got, tt.want)
			}
		})
	}
	t.Run("PutReplaces", func(t *testing.T) {
		ok(t, s.PutEventInvokeConfig(ctx, &gofaas.EventInvokeConfig{FunctionName: "f", Qualifier: "1"}))
		got, err := s.GetEventInvokeConfig(ctx, "f", "1")
		ok(t, err)
		if got.MaximumRetryAttempts != nil || got.MaximumEventAgeInSeconds != nil || got.OnFailure != "" {
			t.Fatalf("GetEventInvokeConfig = %+v, want the replaced, empty config", got)
		}
	})
	t.Run("DeleteAliasDeletesConfig", func(t *testing.T) {
		ok(t, s.DeleteAlias(ctx, "f", "live"))
		_, err := s.GetEventInvokeConfig(ctx, "f", "live")
		wantCode(t, err, gofaas.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		ok(t, s.DeleteEventInvokeConfig(ctx, "f", "$LATEST"))
		_, err := s.GetEventInvokeConfig(ctx, "f", "")
		wantCode(t, err, gofaas.ENOTFOUND)
		wantCode(t, s.DeleteEventInvokeConfig(ctx, "f", ""), gofaas.ENOTFOUND)
	})
}
