package cmdutil

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

func TestSettingEnvAndRemedy(t *testing.T) {
	s := Setting{Key: "ServiceSettings.EnableAPITeamDeletion", Want: "true"}
	if got := s.Env(); got != "MM_SERVICESETTINGS_ENABLEAPITEAMDELETION" {
		t.Errorf("Env() = %q", got)
	}
	want := "set ServiceSettings.EnableAPITeamDeletion to true (System Console, config.json or MM_SERVICESETTINGS_ENABLEAPITEAMDELETION=true)"
	if got := s.Remedy(); got != want {
		t.Errorf("Remedy() = %q", got)
	}
}

func TestRefusedBy(t *testing.T) {
	s := Setting{Key: "ServiceSettings.EnableAPIChannelDeletion", Want: "true"}
	refused := &client.Error{Status: http.StatusUnauthorized, ID: "api.channel.delete_channel.permanent_delete.app_error", RequestID: "r1"}
	err := RefusedBy(refused, "api.channel.delete_channel.permanent_delete", "permanent channel deletion through the API", s)
	var se *SettingError
	if !errors.As(err, &se) {
		t.Fatalf("RefusedBy = %v, want a *SettingError", err)
	}
	want := "permanent channel deletion through the API is disabled on the server (ServiceSettings.EnableAPIChannelDeletion, MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION) [request r1]"
	if err.Error() != want {
		t.Errorf("message = %q\nwant      %q", err.Error(), want)
	}
	if code := ExitCode(err); code != ExitError {
		t.Errorf("exit code = %d, want %d (a server setting, not the credentials)", code, ExitError)
	}
	other := &client.Error{Status: http.StatusForbidden, ID: "api.context.permissions.app_error"}
	if got := RefusedBy(other, "api.channel.delete_channel.permanent_delete", "x", s); got != error(other) {
		t.Errorf("another error was replaced: %v", got)
	}
	plain := errors.New("boom")
	if got := RefusedBy(plain, "api.", "x", s); got != plain {
		t.Errorf("a non-API error was replaced: %v", got)
	}
}

func TestRefusalHintsOnce(t *testing.T) {
	r := &Refusal{IDPrefix: "api.user.delete_team.not_enabled", What: "team deletion through the API",
		Setting: Setting{Key: "ServiceSettings.EnableAPITeamDeletion", Want: "true"}, Alternative: "matterctl team archive"}
	ios, _, _, errOut := iostreams.Test()
	p, _ := printer.New(ios, printer.Options{})
	r.Hint(p)
	if errOut.Len() != 0 {
		t.Fatalf("hint without a refusal: %q", errOut)
	}
	other := &client.Error{Status: http.StatusInternalServerError, ID: "app.team.permanent_delete.internal_error"}
	if got := r.Check(other); got != error(other) {
		t.Errorf("another error was replaced: %v", got)
	}
	for range 3 {
		var se *SettingError
		if err := r.Check(&client.Error{Status: http.StatusUnauthorized, ID: "api.user.delete_team.not_enabled"}); !errors.As(err, &se) {
			t.Fatalf("Check = %v, want a *SettingError", err)
		}
	}
	r.Hint(p)
	want := "hint: set ServiceSettings.EnableAPITeamDeletion to true (System Console, config.json or MM_SERVICESETTINGS_ENABLEAPITEAMDELETION=true), or use `matterctl team archive`\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q\nwant     %q", errOut, want)
	}
}

func TestRefusals(t *testing.T) {
	a := Setting{Key: "PluginSettings.Enable", Want: "true"}
	b := Setting{Key: "PluginSettings.EnableUploads", Want: "true", Fix: "set it in config.json"}
	apiErr := &client.Error{Status: http.StatusNotImplemented, ID: "x", RequestID: "r9"}
	var r Refusals
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.Refuse("uploading plugins", apiErr, a, b)
			r.Record(a, "")
		}()
	}
	wg.Wait()

	one := r.Refuse("the plugin system", apiErr, a)
	var se *SettingError
	if !errors.As(one, &se) || ExitCode(one) != ExitError {
		t.Errorf("one setting: %T %v, exit %d", one, one, ExitCode(one))
	}
	several := r.Refuse("uploading plugins", apiErr, a, b)
	want := "uploading plugins is disabled on the server: it needs PluginSettings.Enable=true (MM_PLUGINSETTINGS_ENABLE) and PluginSettings.EnableUploads=true (MM_PLUGINSETTINGS_ENABLEUPLOADS) [request r9]"
	if several.Error() != want || ExitCode(several) != ExitError {
		t.Errorf("several settings:\n%s\nwant\n%s", several, want)
	}

	hints := r.Hints()
	if len(hints) != 2 || hints[0] != "hint: "+a.Remedy() || hints[1] != "hint: set it in config.json" {
		t.Errorf("hints = %q, want each setting once, in order, with its own fix", hints)
	}
	err := r.Attach(errors.New("2 of 3 files failed"))
	if got := ErrorMessage(err); got != "2 of 3 files failed\n"+hints[0]+"\n"+hints[1] {
		t.Errorf("attached message = %q", got)
	}
	if (&Refusals{}).Attach(nil) != nil || (&Refusals{}).Attach(errors.ErrUnsupported) != errors.ErrUnsupported {
		t.Error("Attach changes an error when nothing was refused")
	}
}
