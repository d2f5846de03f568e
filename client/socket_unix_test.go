//go:build unix

package client

import (
	"strings"
	"testing"
)

func TestCheckSocketOwner(t *testing.T) {
	tests := []struct {
		name            string
		ownerUID, uid   int
		wantErrContains string
	}{
		{name: "own socket", ownerUID: 1000, uid: 1000},
		{name: "root may use any socket", ownerUID: 998, uid: 0},
		{name: "someone else's socket", ownerUID: 998, uid: 1000, wantErrContains: "socket /s belongs to uid 998, not to you (uid 1000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSocketOwner("/s", tt.ownerUID, tt.uid)
			if tt.wantErrContains == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErrContains) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErrContains)
			}
		})
	}
}
