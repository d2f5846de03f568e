package client

import "testing"

func TestServerVersion(t *testing.T) {
	for in, want := range map[string]string{
		"7.8.0..53862573febcd83a223e29945a9117ae.false": "7.8.0",
		"9.11.2.9.abc.true":                             "9.11.2",
		"10.0.0":                                        "10.0.0",
		"":                                              "",
		"dev":                                           "dev",
		"7.x.0.1":                                       "7.x.0.1",
	} {
		if got := ServerVersion(in); got != want {
			t.Errorf("ServerVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
