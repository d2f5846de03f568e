package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// offline is where the settings that would reach a public service point instead: port 9
// (discard) on loopback, where nothing listens, so a request fails at once and stays here.
const offline = "http://127.0.0.1:9"

// initialConfig is the server's config.json, written once. Feature toggles live here rather
// than in MM_* variables: a setting forced by the environment cannot be changed through the
// API, and the e2e tests flip these with `config set`. The server fills in defaults for the
// rest and rewrites the file.
const initialConfig = `{
  "ServiceSettings": {
    "EnableAPIUserDeletion": true,
    "EnableAPITeamDeletion": true,
    "EnableAPIChannelDeletion": true,
    "EnableBotAccountCreation": true,
    "EnableUserAccessTokens": true,
    "EnableIncomingWebhooks": true,
    "EnableOutgoingWebhooks": true,
    "EnableCommands": true,
    "EnableOAuthServiceProvider": true,
    "EnableCustomEmoji": true,
    "EnableMultifactorAuthentication": true,
    "EnableLinkPreviews": false,
    "EnableGifPicker": false,
    "EnableOnboardingFlow": false,
    "AllowedUntrustedInternalConnections": "127.0.0.1 localhost"
  },
  "TeamSettings": {
    "EnableOpenServer": true,
    "EnableUserCreation": true,
    "MaxUsersPerTeam": 10000
  },
  "SqlSettings": {
    "MaxOpenConns": 50,
    "MaxIdleConns": 10
  },
  "EmailSettings": {
    "SendEmailNotifications": false,
    "RequireEmailVerification": false,
    "SendPushNotifications": false
  },
  "RateLimitSettings": {
    "Enable": false
  },
  "PluginSettings": {
    "Enable": true,
    "EnableUploads": true,
    "EnableMarketplace": false,
    "EnableRemoteMarketplace": false,
    "MarketplaceURL": "` + offline + `"
  },
  "AnnouncementSettings": {
    "AdminNoticesEnabled": false,
    "UserNoticesEnabled": false
  },
  "ImageProxySettings": {
    "Enable": false
  }
}
`

// serverEnv is the server's whole environment. It forces only infrastructure (addresses, paths,
// the database) and the switches that keep the server from calling public services; these are
// read-only through the API (GET /api/v4/config/environment lists them). Nothing else of the
// caller's environment reaches the server, so stray MM_* variables cannot override settings.
func serverEnv(st *State) []string {
	home, _ := os.UserHomeDir()
	dir := st.Mattermost.ServerDir
	return []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"TMPDIR=" + os.TempDir(),
		"MM_SQLSETTINGS_DRIVERNAME=postgres",
		"MM_SQLSETTINGS_DATASOURCE=" + st.DSN(),
		"MM_SERVICESETTINGS_LISTENADDRESS=127.0.0.1:" + strconv.Itoa(st.Mattermost.Port),
		"MM_SERVICESETTINGS_SITEURL=" + st.URL(),
		"MM_SERVICESETTINGS_ENABLELOCALMODE=true",
		"MM_SERVICESETTINGS_LOCALMODESOCKETLOCATION=" + st.Mattermost.Socket,
		"MM_LOGSETTINGS_ENABLECONSOLE=false",
		"MM_LOGSETTINGS_ENABLEFILE=true",
		"MM_LOGSETTINGS_FILELOCATION=" + filepath.Join(dir, "logs"),
		"MM_NOTIFICATIONLOGSETTINGS_ENABLECONSOLE=false",
		"MM_NOTIFICATIONLOGSETTINGS_FILELOCATION=" + filepath.Join(dir, "logs"),
		"MM_FILESETTINGS_DRIVERNAME=local",
		"MM_FILESETTINGS_DIRECTORY=" + filepath.Join(dir, "data") + "/",
		"MM_PLUGINSETTINGS_DIRECTORY=" + filepath.Join(dir, "plugins"),
		"MM_PLUGINSETTINGS_CLIENTDIRECTORY=" + filepath.Join(dir, "client", "plugins"),
		"MM_PLUGINSETTINGS_AUTOMATICPREPACKAGEDPLUGINS=false",
		// The one plugin signing key trusted besides Mattermost's: a test that signs bundles
		// writes it (Server.TrustPluginKey). The API cannot change this list.
		"MM_PLUGINSETTINGS_SIGNATUREPUBLICKEYFILES=" + pluginKeyFile(dir),

		// Never call a public service: no security-update check (it sends the server's ID and
		// counts to securityupdatecheck.mattermost.com at start and every 4 hours), no
		// telemetry or Sentry, and the URLs of product notices, push notifications and the
		// customer portal on loopback should they be enabled anyway. The plugin marketplace is
		// off in config.json instead (initialConfig), with its URL on loopback: a test points it
		// at a marketplace of its own through the API.
		"MM_SERVICESETTINGS_ENABLESECURITYFIXALERT=false",
		"MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false",
		"MM_LOGSETTINGS_ENABLESENTRY=false",
		"MM_ANNOUNCEMENTSETTINGS_NOTICESURL=" + offline,
		"MM_EMAILSETTINGS_PUSHNOTIFICATIONSERVER=" + offline,
		"MM_CLOUDSETTINGS_CWSURL=" + offline,
		"MM_CLOUDSETTINGS_CWSAPIURL=" + offline,
	}
}

// withEnv returns env with extra (KEY=VALUE) applied: a key of extra replaces the same key of
// env.
func withEnv(env, extra []string) []string {
	if len(extra) == 0 {
		return env
	}
	override := map[string]bool{}
	for _, kv := range extra {
		k, _, _ := strings.Cut(kv, "=")
		override[k] = true
	}
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !override[k] {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

// setupServerDir creates the server's working directory and its config.json (once).
func setupServerDir(st *State, assets string) error {
	dir := st.Mattermost.ServerDir
	for _, d := range []string{"config", "logs", "data", "plugins", filepath.Join("client", "plugins")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	for _, d := range serverAssets {
		link := filepath.Join(dir, d)
		_ = os.Remove(link)
		if err := os.Symlink(filepath.Join(assets, d), link); err != nil {
			return err
		}
	}
	cfg := st.ConfigFile()
	if _, err := os.Stat(cfg); errors.Is(err, os.ErrNotExist) {
		return os.WriteFile(cfg, []byte(initialConfig), 0o600)
	}
	return keepMarketplaceOffline(cfg)
}

// keepMarketplaceOffline turns the plugin marketplace off in an existing config.json whose
// MarketplaceURL is not on loopback. A sandbox made when the environment forced these settings
// has the server's defaults in its file (the public marketplace, enabled); a test's loopback
// marketplace left behind is harmless and kept.
func keepMarketplaceOffline(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ps, _ := cfg["PluginSettings"].(map[string]any)
	if ps == nil {
		ps = map[string]any{}
		cfg["PluginSettings"] = ps
	}
	if raw, _ := ps["MarketplaceURL"].(string); raw != "" {
		if u, err := url.Parse(raw); err == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1") {
			return nil
		}
	}
	ps["EnableMarketplace"] = false
	ps["EnableRemoteMarketplace"] = false
	ps["MarketplaceURL"] = offline
	out, err := json.MarshalIndent(cfg, "", "    ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

// errPortTaken says the server could not bind its port: someone took it after it was chosen.
var errPortTaken = errors.New("port taken")

// startMattermost launches the server in a process group of its own and waits until it
// answers on its port.
func (sb *sandbox) startMattermost(ctx context.Context) error {
	st := sb.st
	_ = os.Remove(st.Mattermost.Socket)
	stdout, err := os.OpenFile(filepath.Join(st.Mattermost.ServerDir, "logs", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer stdout.Close()
	logStart := fileSize(st.LogFile())
	stdoutStart := fileSize(stdout.Name())

	ph := sb.pr.Phase("start Mattermost")
	ph.Set("%s", st.URL())
	cmd := exec.Command(st.Mattermost.Bin, "server", "--config", st.ConfigFile())
	cmd.Dir = st.Mattermost.ServerDir
	cmd.Env = withEnv(serverEnv(st), sb.opts.ServerEnv)
	cmd.Stdout, cmd.Stderr = stdout, stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		ph.Fail()
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }() // reaps it if it exits while we run
	st.Mattermost.Process, err = processOf(cmd.Process.Pid)
	if err != nil {
		ph.Fail()
		return err
	}
	if err := writeState(st); err != nil {
		ph.Fail()
		return err
	}
	sb.watchEgress(st.Mattermost.Process.PID)

	deadline := time.Now().Add(sb.opts.StartTimeout)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		if ping(ctx, client, st.URL()) && listensOn(cmd.Process.Pid, st.Mattermost.Port) {
			break
		}
		select {
		case <-exited:
			ph.Fail()
			logs := tailFrom(stdout.Name(), stdoutStart, 20) + "\n" + tailFrom(st.LogFile(), logStart, 20)
			if strings.Contains(logs, "address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("Mattermost exited during start-up (logs in %s):\n%s", filepath.Dir(stdout.Name()), logs)
		case <-ctx.Done():
			ph.Fail()
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			ph.Fail()
			return fmt.Errorf("Mattermost did not answer %s/api/v4/system/ping within %s (logs in %s):\n%s", st.URL(), sb.opts.StartTimeout,
				filepath.Dir(stdout.Name()), tailFrom(st.LogFile(), logStart, 20))
		}
	}
	ph.Done("pid %d, %s", cmd.Process.Pid, st.URL())
	return nil
}

func ping(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/v4/system/ping", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stopMattermost stops the server's process group: SIGTERM, then SIGKILL after 30 s.
func (sb *sandbox) stopMattermost() error {
	st := sb.st
	if p := st.Mattermost.Process; p.Alive() {
		sb.pr.Logf("stopping Mattermost (pid %d)", p.PID)
		if err := p.stop(30 * time.Second); err != nil {
			return err
		}
	}
	st.Mattermost.Process = Process{}
	_ = os.Remove(st.Mattermost.Socket)
	return nil
}
