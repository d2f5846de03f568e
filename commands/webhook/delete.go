package webhook

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// DeleteOptions are the inputs of `webhook delete`.
type DeleteOptions struct {
	cmdutil.BulkArgs
	Scope scopeFlags
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error
	Yes     cmdutil.ConfirmFlags
}

// NewCmdDelete builds `webhook delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:               "delete <hook>...",
		ValidArgsFunction: cmdutil.CompleteHooks(f, cmdutil.AnyHooks),
		Short:             "Delete incoming and outgoing webhooks",
		Long: `Delete incoming and outgoing webhooks, given as IDs or display names (unique in --team or
--channel, else on the server), as arguments or with --file. A deleted webhook cannot be
restored: services that post through it, or receive from it, stop working.

Every argument is resolved before anything is deleted: if one does not resolve, nothing is
deleted. At a terminal the command asks for confirmation; elsewhere --confirm (or --yes) is
required.`,
		Example: `  matterctl webhook delete 8x3kc9n6qbf4fjxwbwqjk1moxo --confirm
  matterctl webhook delete "Deploy Notifications" "Build bot" --team devops -y
  matterctl webhook delete --file old-hooks.txt --dry-run`,
		RunE: opts.RunE("webhook", cmdutil.Runner(opts, runF, deleteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "webhooks")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	addScopeFlags(f, cmd, &opts.Scope, true)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Fail before any request when the confirmation could never be given.
	if !opts.Bulk.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
		return cmdutil.MissingFlagsError("--confirm (or --yes)")
	}
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	scope, err := opts.Scope.resolve(ctx, c, cmdutil.AnyHooks)
	if err != nil {
		return err
	}
	kind := cmdutil.Hooks(scope)
	in, out := cmdutil.IncomingHooksRefusal(), cmdutil.OutgoingHooksRefusal()
	err = cmdutil.RunVerb(ctx, c, p, kind, cmdutil.Verb[*cmdutil.Hook]{
		Args: opts.Args, Strict: true, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		Plan: "delete", Done: "Deleted",
		PlanMessage: func(h *cmdutil.Hook) string { return "would delete " + h.Type() + " webhook " + h.Label() },
		Message:     func(h *cmdutil.Hook) string { return "Deleted " + h.Type() + " webhook " + h.Label() },
		Confirm: func(hooks []*cmdutil.Hook) error {
			names := make([]string, len(hooks))
			for i, h := range hooks {
				names[i] = h.Type() + " webhook " + h.Label()
			}
			return opts.Confirm(cmdutil.Question(names, "Delete %s? This cannot be undone.",
				"Delete %d webhooks (%s)? This cannot be undone."))
		},
		Apply: func(ctx context.Context, h *cmdutil.Hook) (*cmdutil.Hook, error) {
			if h.Incoming != nil {
				if _, err := c.DeleteIncomingWebhook(ctx, h.ID()); err != nil {
					return nil, in.Check(err)
				}
				return h, nil
			}
			if _, err := c.DeleteOutgoingWebhook(ctx, h.ID()); err != nil {
				return nil, out.Check(err)
			}
			return h, nil
		},
	})
	in.Hint(p)
	out.Hint(p)
	return err
}
