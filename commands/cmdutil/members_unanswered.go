package cmdutil

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"sync/atomic"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// UnansweredHelp is the paragraph of the add verbs' help on a server that does not answer.
const UnansweredHelp = `A request the server does not answer (it is restarting: the connection broke or was refused,
or a gateway answered 502, 503 or 504) is sent again every two seconds until it is answered,
for up to a minute without any answer: adding a member twice adds it once. Then its users fail,
or, when the request was sent and may have been acted on, are reported as unknown ("unknown:
..."): run the command again to add whoever is missing.`

// addFunc adds users (by ID) and reports on each (nil for those added); its error is for the
// request as a whole.
type addFunc func(ctx context.Context, userIDs []string) (map[string]error, error)

// untilAnswered returns add, sent again while the server does not answer it: adding a member
// twice adds it once. A request that was written to a connection and not answered may have been
// acted on: the server may have added some of the users. The transport retries some failures
// itself, so that the error of a call may come from a later attempt than the one that lost its
// answer; the writes of every attempt are counted to know. Once a request may have been acted
// on, the users the last answer reports failed are checked against the members (settle), also
// when the server stops answering for good: those it cannot be asked about are unknown. Otherwise a user the server refuses as a
// member already (someone added them meanwhile) is in the wanted state: already says so.
func (w *serverWait) untilAnswered(add addFunc, members func(context.Context, []string) (map[string]bool, error), already string) addFunc {
	return func(ctx context.Context, ids []string) (map[string]error, error) {
		maybeDone := false // a request was sent and not answered
		for {
			var writes atomic.Int32
			traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
				WroteRequest: func(info httptrace.WroteRequestInfo) {
					if info.Err == nil {
						writes.Add(1)
					}
				},
			})
			results, err := add(traced, ids)
			if writes.Load() > 1 {
				maybeDone = true // the transport sent it again: the first answer was lost
			}
			switch {
			case err == nil:
				w.answered()
				if maybeDone {
					return settle(ctx, members, ids, results, nil), nil
				}
				for id, e := range results {
					if isMemberConflict(e) {
						results[id] = &AlreadyError{State: already}
					}
				}
				return results, nil
			case ctx.Err() != nil:
				return nil, err
			case !unanswered(err):
				// The server answered: what it said is the outcome, unless a request lost its
				// answer before.
				w.answered()
				if !maybeDone {
					return nil, err
				}
				return settle(ctx, members, ids, nil, err), nil
			}
			if writes.Load() > 0 {
				maybeDone = true
			}
			if !w.again() {
				if maybeDone {
					// Ask the server once more who is a member: the users it cannot be asked
					// about are unknown.
					return settle(ctx, members, ids, nil, err), nil
				}
				return nil, err
			}
			if w.pause(ctx) != nil {
				return nil, err
			}
		}
	}
}

// untilAnsweredOne is untilAnswered for an add of one user per request: the server's refusal
// of the user is its answer, and only a request it did not answer is sent again.
func (w *serverWait) untilAnsweredOne(add func(context.Context, *model.User) error, members func(context.Context, []string) (map[string]bool, error), already string) func(context.Context, *model.User) error {
	return func(ctx context.Context, u *model.User) error {
		one := func(ctx context.Context, ids []string) (map[string]error, error) {
			if err := add(ctx, u); unanswered(err) {
				return nil, err
			} else {
				return map[string]error{u.Id: err}, nil
			}
		}
		results, err := w.untilAnswered(one, members, already)(ctx, []string{u.Id})
		if err != nil {
			return err
		}
		return results[u.Id]
	}
}

// settle checks the users of a request that an earlier request may have acted on, that request
// having lost its answer: results (or err, for every user, when the request failed as a whole)
// says what the last request did, and a user it reports failed who is a member now was added by
// the earlier one (the server refuses to add a member twice when the two requests meet). When
// the members cannot be looked up, those users are unknown.
func settle(ctx context.Context, members func(context.Context, []string) (map[string]bool, error), ids []string, results map[string]error, err error) map[string]error {
	if err != nil {
		results = make(map[string]error, len(ids))
		for _, id := range ids {
			results[id] = err
		}
	}
	var failed []string
	for _, id := range ids {
		if e, ok := results[id]; ok && e != nil {
			failed = append(failed, id)
		}
	}
	if len(failed) == 0 {
		return results
	}
	in, merr := members(client.WithIdempotent(ctx), failed)
	for _, id := range failed {
		switch {
		case merr != nil:
			results[id] = &UnknownOutcomeError{Err: merr}
		case in[id]:
			results[id] = nil
		}
	}
	return results
}

// memberConflictID is the server's refusal to add a user who is a member already, which it
// gives when two requests add the same user at once (api4 JoinUserToTeam).
const memberConflictID = "app.team.join_user_to_team.save_member.conflict.app_error"

func isMemberConflict(err error) bool {
	e := client.AsError(err)
	return e != nil && e.ID == memberConflictID
}

// UnknownOutcomeError is the outcome for a user of a request that was sent and lost its answer,
// when the server could not be asked afterwards (Err says why): the user may or may not have
// been changed.
type UnknownOutcomeError struct {
	Err error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("unknown: the request was sent but its answer was lost, and the server could not be asked afterwards (%s); run the command again to add whoever is missing",
		ErrorMessageLine(e.Err))
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// OutcomeUnknown marks the error as one after which the user may or may not have been changed.
func (e *UnknownOutcomeError) OutcomeUnknown() {}
