package ops

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

func TestAddTeamMembers(t *testing.T) {
	fake := &clienttest.Fake{}
	fake.AddTeamMembersGracefullyFunc = func(_ context.Context, teamID string, ids []string) ([]*model.TeamMemberWithError, *model.Response, error) {
		if teamID != "t1" || len(ids) != 4 {
			t.Errorf("AddTeamMembersGracefully(%q, %v)", teamID, ids)
		}
		return []*model.TeamMemberWithError{
			{UserId: "a", Member: &model.TeamMember{TeamId: "t1", UserId: "a"}},
			{UserId: "b", Error: &model.AppError{Id: "api.team.join_user_to_team.allowed_domains.app_error", Message: "domain not allowed", StatusCode: 400}},
			{UserId: "c", Error: &model.AppError{Id: "x", Message: "no status"}},
			nil,
		}, &model.Response{StatusCode: http.StatusCreated}, nil
	}
	got, err := AddTeamMembers(context.Background(), fake, "t1", []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := got["a"]; !ok || e != nil {
		t.Errorf("a: %v (reported %v)", e, ok)
	}
	if e := client.AsError(got["b"]); e == nil || e.Status != 400 || e.ID != "api.team.join_user_to_team.allowed_domains.app_error" || got["b"].Error() != "domain not allowed (HTTP 400)" {
		t.Errorf("b: %v", got["b"])
	}
	if got["c"] == nil || got["c"].Error() != "no status" {
		t.Errorf("c: %v", got["c"])
	}
	if _, ok := got["d"]; ok {
		t.Errorf("d was not in the answer but is reported: %v", got["d"])
	}

	boom := &client.Error{Status: 500, Message: "boom"}
	fake.AddTeamMembersGracefullyFunc = func(context.Context, string, []string) ([]*model.TeamMemberWithError, *model.Response, error) {
		return nil, &model.Response{StatusCode: 500}, boom
	}
	if _, err := AddTeamMembers(context.Background(), fake, "t1", []string{"a"}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the request's", err)
	}
}
