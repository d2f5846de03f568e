package clienttest

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest/internal/genfake"
)

// TestFakeGenUpToDate fails when the Client interface changed and fake_gen.go was not
// regenerated, or when fake_gen.go was edited by hand. The package has no compile-time
// assertion that Fake implements client.Client, so that a stale fake gets this message
// rather than a build error.
func TestFakeGenUpToDate(t *testing.T) {
	if !reflect.TypeFor[*Fake]().Implements(reflect.TypeFor[client.Client]()) {
		t.Error("*Fake does not implement client.Client: run go generate ./client/clienttest")
	}
	want, err := genfake.Generate("..")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("fake_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		line := 0
		for line < min(len(gotLines), len(wantLines)) && bytes.Equal(gotLines[line], wantLines[line]) {
			line++
		}
		t.Fatalf("fake_gen.go is out of date from line %d: run go generate ./client/clienttest", line+1)
	}
}
