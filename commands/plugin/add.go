package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/pluginbundle"
	"github.com/matterctl/matterctl/printer"
)

// AddOptions are the inputs of `plugin add`.
type AddOptions struct {
	cmdutil.BulkArgs
	HTTPClient func() (*http.Client, client.Options, error)
	// Quiet reports --quiet, which also hides the progress bar.
	Quiet func() bool

	Force       bool
	Enable      bool
	Wait        bool
	WaitTimeout time.Duration

	// pollInterval is the pause between two status requests of --wait.
	pollInterval time.Duration
	// enableMu makes the uploads of one run enable their plugins one at a time.
	enableMu *sync.Mutex
}

// NewCmdAdd builds `plugin add`.
func NewCmdAdd(f *cmdutil.Factory, runF func(context.Context, *AddOptions) error) *cobra.Command {
	opts := &AddOptions{
		BulkArgs: cmdutil.NewBulkArgs(f), HTTPClient: f.HTTPClient,
		Quiet:        func() bool { return f.Globals.Quiet },
		pollInterval: 500 * time.Millisecond,
		enableMu:     &sync.Mutex{},
	}
	cmd := &cobra.Command{
		Use:   "add <bundle.tar.gz>...",
		Short: "Validate and upload plugin bundles",
		Long: `Validate plugin bundles (.tar.gz) and upload them to the server.

Each bundle is first checked here, in one pass that reads it as a stream: it must be a
gzip-compressed tar archive with the manifest (plugin.json, plugin.yaml or plugin.yml) at its
top or in its single top folder; the manifest's ID must follow the server's rules, its version
and min_server_version must be semantic versions, min_server_version must not be newer than the
server, every executable (server.executables, server.executable) and the webapp bundle
(webapp.bundle_path) it names must be in the archive, and the bundle must fit the server's
maximum file size (FileSettings.MaxFileSize) when the account can read it. Each problem is one
line on stderr, "<bundle>: <file>: <field>: <problem>"; a bundle with problems is not uploaded
and its exit code is 2.

The upload streams the file (memory stays flat whatever its size), with a progress bar on
stderr at a terminal. A plugin with the same ID is replaced only with --force.

--dry-run validates and uploads nothing; without credentials it still checks all that needs no
server. --enable enables each plugin once uploaded; --wait then waits, up to --wait-timeout, until every
server node reports it running at the uploaded version, and fails (exit 1) with the error the
server reports when it fails to start.

With several bundles, each is processed and each failure reported once; the exit code is 3
when some failed and others did not. In JSON, the manifests the server installed (an array).`,
		Example: `  matterctl plugin add hovercardexample.tar.gz
  matterctl plugin add com.example.demo-1.2.0.tar.gz --force --enable --wait
  matterctl plugin add *.tar.gz --dry-run`,
		ValidArgsFunction: completeBundles,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Wait && !opts.Enable {
				return cmdutil.FlagErrorf("--wait needs --enable: only an enabled plugin runs")
			}
			if opts.WaitTimeout <= 0 {
				return cmdutil.FlagErrorf("--wait-timeout must be positive, got %s", opts.WaitTimeout)
			}
			if cmd.Flags().Changed("wait-timeout") && !opts.Wait {
				return cmdutil.FlagErrorf("--wait-timeout needs --wait")
			}
			return opts.RunE("plugin bundle", cmdutil.Runner(opts, runF, addRun))(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Force, "force", "f", false, "Replace an installed plugin with the same ID")
	fl.BoolVar(&opts.Enable, "enable", false, "Enable each plugin after uploading it")
	fl.BoolVar(&opts.Wait, "wait", false, "With --enable, wait until every server node reports the plugin running")
	fl.DurationVar(&opts.WaitTimeout, "wait-timeout", 2*time.Minute, "How long --wait waits for each plugin")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "bundle files")
	return cmd
}

// invalidBundleError is a bundle that failed validation: a usage error (exit 2) whose message
// is the first problem; the others are printed after it.
type invalidBundleError struct {
	problems []pluginbundle.Problem
}

func (e *invalidBundleError) Error() string { return e.problems[0].String() }

func addRun(ctx context.Context, opts *AddOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		// A dry run validates without a server, checking what needs none.
		if !opts.Bulk.DryRun {
			return err
		}
		p.Warnf("no server (%s): min_server_version and the maximum file size are not checked", cmdutil.ErrorMessageLine(err))
		c = nil
	}
	var up *uploader
	ref := newRefusals(c, "uploading plugins")
	lim := serverLimits(ctx, c, ref)
	if err := ctx.Err(); err != nil {
		return err
	}

	var bar *progressBar
	if !opts.Bulk.DryRun {
		hc, conn, err := opts.HTTPClient()
		if err != nil {
			return err
		}
		if opts.IO.IsStderrTTY() && !opts.Quiet() {
			bar = newProgressBar(opts.IO.ErrOut, opts.IO.TerminalWidth(), "Uploading", totalSize(opts.Args))
		}
		sent := func(int) {}
		if bar != nil {
			sent = bar.Add
		}
		up = newUploader(hc, conn, sent)
	}
	clearBar := func() {
		if bar != nil {
			bar.Done()
		}
	}
	say := func(format string, args ...any) {
		clearBar()
		p.Successf(format, args...)
	}

	var list *printer.List[*model.Manifest]
	if p.Structured() {
		list = printer.NewList[*model.Manifest](p)
	}
	err = cmdutil.RunEach(ctx, p, opts.Args, opts.Bulk.Parallel, func(a string) string { return a },
		func(ctx context.Context, path string) (*model.Manifest, error) {
			m, err := addOne(ctx, opts, c, up, ref, lim, say, path)
			if err != nil {
				clearBar()
			}
			return m, err
		},
		func(o cmdutil.Outcome[*model.Manifest]) error {
			clearBar()
			var bad *invalidBundleError
			if errors.As(o.Err, &bad) {
				for _, pr := range bad.problems[1:] {
					p.Errorf("%s: %s", o.Label, pr)
				}
			}
			if o.Err != nil || list == nil {
				return nil
			}
			return list.Add(o.Result)
		})
	clearBar()
	ref.Hint(p)
	if list == nil {
		return err
	}
	return cmdutil.EndList(list, err)
}

// addOne validates one bundle, uploads it, and enables it and waits for it as asked.
func addOne(ctx context.Context, opts *AddOptions, c client.Client, up *uploader, ref *refusals,
	lim pluginbundle.Limits, say func(string, ...any), path string) (*model.Manifest, error) {
	res, err := pluginbundle.ValidateFile(path, lim)
	if err != nil {
		return nil, err
	}
	if !res.OK() {
		return nil, &cmdutil.FlagError{Err: &invalidBundleError{problems: res.Problems}}
	}
	local := res.Manifest
	if opts.Bulk.DryRun {
		plan := fmt.Sprintf("would upload plugin %s %s (%s)", local.Id, local.Version, humanSize(res.Size))
		if opts.Enable {
			plan += " and enable it"
		}
		say("%s", plan)
		return local, nil
	}
	m, err := up.Upload(ctx, path, opts.Force)
	if err != nil {
		var apiErr *client.Error
		if errors.As(err, &apiErr) && isBodyTooLarge(apiErr) {
			ref.Record(settingMaxFileSize, "")
			return nil, &cmdutil.RefusedError{Msg: ref.tooLarge(ctx, res.Size), Err: err}
		}
		if apiErr != nil && apiErr.ID == "app.plugin.install_id.app_error" {
			return nil, fmt.Errorf("plugin %s is already installed: add --force to replace it", local.Id)
		}
		return nil, ref.Check(ctx, err)
	}
	say("Added plugin %s %s", m.Id, m.Version)
	if !opts.Enable {
		return m, nil
	}
	// The server saves each enable into its whole configuration: two at once can lose one.
	opts.enableMu.Lock()
	_, err = c.EnablePlugin(ctx, m.Id)
	opts.enableMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("added, but enabling failed: %w", ref.Check(ctx, err))
	}
	say("Enabled plugin %s", m.Id)
	if !opts.Wait {
		return m, nil
	}
	if err := waitRunning(ctx, c, m, opts.WaitTimeout, opts.pollInterval); err != nil {
		return nil, err
	}
	say("Plugin %s %s is running", m.Id, m.Version)
	return m, nil
}

// serverLimits reads what validation checks against: the server's version (public) and its
// maximum file size (only when the account may read the configuration; else not checked).
func serverLimits(ctx context.Context, c client.Client, ref *refusals) pluginbundle.Limits {
	var lim pluginbundle.Limits
	if c == nil {
		return lim
	}
	// Every answer carries the server's version in X-Version-Id.
	if _, resp, err := c.GetPingWithOptions(ctx, model.SystemPingOptions{}); err == nil && resp != nil {
		lim.ServerVersion = resp.ServerVersion
	}
	if cfg := ref.config(ctx); cfg != nil && cfg.FileSettings.MaxFileSize != nil {
		lim.MaxFileSize = *cfg.FileSettings.MaxFileSize
	}
	return lim
}

// totalSize is the sum of the sizes of the files that exist, for the progress bar.
func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// waitRunning polls the plugin statuses until every node reports the plugin running at the
// manifest's version, or one reports that it failed.
func waitRunning(ctx context.Context, c client.Client, m *model.Manifest, timeout, interval time.Duration) error {
	deadline := time.Now().Add(timeout)
	last := "no node reports it yet"
	for {
		sts, _, err := c.GetPluginStatuses(ctx)
		if err != nil {
			return fmt.Errorf("enabled, but reading the plugin statuses failed: %w", pluginsRefusal(err))
		}
		done, state, failure := judge(sts, m)
		if failure != nil {
			return failure
		}
		if done {
			return nil
		}
		last = state
		if time.Now().Add(interval).After(deadline) {
			return fmt.Errorf("plugin %s did not report running within %s (%s)", m.Id, timeout, last)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// judge reads the statuses of one plugin: done when every node runs the manifest's version; a
// failure when a node reports the version failed; else the state so far.
func judge(sts model.PluginStatuses, m *model.Manifest) (done bool, state string, failure error) {
	var mine []*model.PluginStatus
	for _, s := range sts {
		if s != nil && s.PluginId == m.Id {
			mine = append(mine, s)
		}
	}
	if len(mine) == 0 {
		return false, "no node reports it yet", nil
	}
	running := 0
	for _, s := range mine {
		if s.Version != m.Version {
			continue
		}
		if failed(s.State) {
			where := ""
			if s.ClusterId != "" {
				where = " on node " + s.ClusterId
			}
			// The server's reason can span lines (go-plugin's handshake notes): one line here.
			reason := strings.Join(strings.Fields(s.Error), " ")
			if reason == "" {
				reason = "the server gives no reason; see its log"
			}
			return false, "", fmt.Errorf("plugin %s %s %s%s: %s", m.Id, m.Version, stateName(s.State), where, reason)
		}
		if s.State == model.PluginStateRunning {
			running++
		}
	}
	if running == len(mine) {
		return true, "running", nil
	}
	return false, summaryState(mine), nil
}
