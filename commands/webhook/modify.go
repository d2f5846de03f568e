package webhook

import (
	"context"
	"slices"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// modification is one run of a modify verb: the hook as it was, and the changes the flags make
// to a copy of it. Only the flags given change, and only when their value differs.
type modification struct {
	p   *printer.Printer
	c   client.Client
	old *cmdutil.Hook

	changes []change
	// The new channel and its team, when --channel moved the hook (for the output).
	newChannel *model.Channel
	team       *model.Team
}

// startModification resolves the hook arg (a display name is looked up within team, if
// given) of one kind.
func startModification(ctx context.Context, printerF func() (*printer.Printer, error), clientF func() (client.Client, error),
	team, arg string, kind cmdutil.HookTypes) (*modification, error) {
	p, err := printerF()
	if err != nil {
		return nil, err
	}
	c, err := clientF()
	if err != nil {
		return nil, err
	}
	scope, err := scopeFlags{Team: team}.resolve(ctx, c, kind)
	if err != nil {
		return nil, err
	}
	old, err := cmdutil.FindHook(ctx, c, arg, scope)
	if err != nil {
		return nil, err
	}
	return &modification{p: p, c: c, old: old}, nil
}

// add records a change of field.
func (m *modification) add(field, from, to string) {
	m.changes = append(m.changes, change{field, from, to})
}

// setString sets *at to *to when the flag was given (to != nil) and differs.
func (m *modification) setString(field string, to *string, at *string) {
	if to != nil && *to != *at {
		m.add(field, *at, *to)
		*at = *to
	}
}

// setList sets *at to to when the flag was given (to != nil) and differs.
func (m *modification) setList(field string, to []string, at *[]string) {
	if to != nil && !slices.Equal(to, *at) {
		m.add(field, strings.Join(*at, ","), strings.Join(to, ","))
		*at = to
	}
}

// finish reports that nothing changes, or the plan of a dry run; otherwise update saves the
// changed copy and the updated hook is printed.
func (m *modification) finish(ctx context.Context, dryRun bool, update func() (*cmdutil.Hook, error)) error {
	if len(m.changes) == 0 {
		m.p.Infof("%s webhook %s already has the values given: nothing to change", capitalize(m.old.Type()), m.old.Label())
		if m.p.Structured() && !dryRun {
			return m.p.Object(m.old, nil)
		}
		return nil
	}
	if dryRun {
		for _, ch := range m.changes {
			m.p.Infof("would change the %s of %s webhook %s from %q to %q", ch.field, m.old.Type(), m.old.Label(), ch.from, ch.to)
		}
		return nil
	}
	h, err := update()
	if err != nil {
		return err
	}
	m.p.Successf("Updated %s webhook %s: %s", h.Type(), h.Label(), describeChanges(m.changes))
	return printHook(ctx, m.c, m.p, h, m.newChannel, m.team, "")
}

// change is one field a modify verb changes.
type change struct {
	field, from, to string
}

// describeChanges names the fields changed, for the success line.
func describeChanges(changes []change) string {
	names := make([]string, len(changes))
	for i, ch := range changes {
		names[i] = ch.field
	}
	return strings.Join(names, ", ")
}

// capitalize upper-cases the first letter of a word at the start of a line.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
