package clienttest

import (
	"context"
	"testing"

	"github.com/matterctl/matterctl/client"
)

func TestNotFound(t *testing.T) {
	f := NotFound()
	users, resp, err := f.GetUsersByIds(context.Background(), []string{"x"})
	if err != nil || users == nil || len(users) != 0 || resp.StatusCode != 200 {
		t.Errorf("a list method: %v, %v, %v; want an empty list", users, resp, err)
	}
	u, _, err := f.GetUser(context.Background(), "x", "")
	if u != nil || !client.IsNotFound(err) {
		t.Errorf("a single object: %v, %v; want a 404", u, err)
	}
}
