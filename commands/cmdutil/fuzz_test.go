package cmdutil

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// fuzzPassword stands for the password of a URL's user:password@ part; seeds write it $P.
const fuzzPassword = "Pa55-w0rd-SECRET"

// FuzzNormalizeURL checks NormalizeURL: an accepted URL is http or https with a host, no
// credentials, query, fragment or trailing slash, and normalising it again changes nothing;
// a password before the '@' is never shown; messages are one line. TransportWarnings never
// panics, on accepted URLs and on raw input.
func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"mm.example.com", "https://mm.example.com/", "http://localhost:8065/api/v4/", "HTTP://MM.example.com:443",
		"https://mm.example.com/sub/path//api/v4?x=1#frag", "http://127.0.0.1", "http://[::1]:8065", "http://10.0.0.1/",
		"ftp://mm.example.com", "https://", "://", "", "   ", "https://mm.example.com/%zz", "https://mm example.com",
		"https://user:$P@mm.example.com", "user:$P@mm.example.com", "https://user:$P/x@mm.example.com",
		"https://user:$P @mm.example.com", "https://u:$P@@host", "https://h/x@y", "http://a.localhost",
		"https://mm.example.com/api/v4/api/v4", "https://h/a%2Fb/", "https://h/\x00", "https://h:99999",
		"https://[fe80::1%25en0]/", "https://h./", "mailto:x@y", "https:host", "https:/host/path",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, insecure bool) {
		raw = strings.ReplaceAll(raw, "$P", fuzzPassword)
		_ = TransportWarnings(raw, insecure)
		got, err := NormalizeURL(raw)
		// The password is hidden when it sits before the last '@' only: elsewhere (a path, a
		// host) it is not a password.
		at := strings.LastIndex(raw, "@")
		secretShown := at >= 0 && strings.Contains(raw[:at], fuzzPassword) && !strings.Contains(raw[at:], fuzzPassword)
		if err != nil {
			msg := err.Error()
			checkMessage(t, msg)
			if secretShown && strings.Contains(msg, fuzzPassword) {
				t.Fatalf("the password is in the error: %q", msg)
			}
			return
		}
		u, perr := url.Parse(got)
		if userinfo(raw) != "" {
			t.Fatalf("NormalizeURL(%q) = %q: the user:password part is accepted", raw, got)
		}
		switch {
		case perr != nil:
			t.Fatalf("NormalizeURL(%q) = %q, which does not parse: %v", raw, got, perr)
		case u.Scheme != "http" && u.Scheme != "https":
			t.Fatalf("NormalizeURL(%q) = %q: scheme %q", raw, got, u.Scheme)
		case u.Host == "":
			t.Fatalf("NormalizeURL(%q) = %q: no host", raw, got)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(got, "/"):
			t.Fatalf("NormalizeURL(%q) = %q: not normalised", raw, got)
		}
		again, err := NormalizeURL(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeURL(%q) = %q, then %q, %v", raw, got, again, err)
		}
		warnings := TransportWarnings(got, insecure)
		for _, w := range warnings {
			if !strings.HasPrefix(w, "warning: ") {
				t.Fatalf("warning %q", w)
			}
			checkMessage(t, w)
		}
		want := 0
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			want++
		}
		if insecure && u.Scheme == "https" {
			want++
		}
		if len(warnings) != want {
			t.Fatalf("TransportWarnings(%q, %v) = %q", got, insecure, warnings)
		}
	})
}

// userinfo is the user:password part of a URL as url.Parse finds it: what comes before the
// last '@' of the authority.
func userinfo(raw string) string {
	s := strings.TrimSpace(raw)
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if at := strings.LastIndex(s, "@"); at >= 0 {
		return s[:at+1]
	}
	return ""
}

// FuzzParseChannelArg checks the team:channel split: both parts trimmed, the team part
// without a colon, and a split argument joined again splits the same way.
func FuzzParseChannelArg(f *testing.F) {
	for _, s := range []string{"town-square", "devops:alerts", " devops : alerts ", ":alerts", "devops:", ":", "a:b:c", "", " ", "\tx\n", "team:\u00a0ch"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		team, ch := ParseChannelArg(arg)
		if team != strings.TrimSpace(team) || ch != strings.TrimSpace(ch) {
			t.Fatalf("ParseChannelArg(%q) = %q, %q: not trimmed", arg, team, ch)
		}
		if strings.Contains(team, ":") {
			t.Fatalf("ParseChannelArg(%q) = %q, %q: the team has a colon", arg, team, ch)
		}
		trimmed := strings.TrimSpace(arg)
		if !strings.Contains(trimmed, ":") {
			if team != "" || ch != trimmed {
				t.Fatalf("ParseChannelArg(%q) = %q, %q, want the bare channel", arg, team, ch)
			}
			return
		}
		if t2, c2 := ParseChannelArg(team + ":" + ch); t2 != team || c2 != ch {
			t.Fatalf("ParseChannelArg(%q) = %q, %q, but %q:%q splits into %q, %q", arg, team, ch, team, ch, t2, c2)
		}
	})
}

// FuzzResolvers runs the user, bot, team and channel resolvers over arbitrary arguments
// against a server where nothing exists: one Ref per argument in order, each a not-found or
// usage error whose message is one line and shows no raw control character.
func FuzzResolvers(f *testing.F) {
	for _, s := range [][3]string{
		{"alice", "@bob", "carol@example.com"},
		{"devops:alerts", ":alerts", "devops:"},
		{model.NewId(), " " + model.NewId() + " ", "Alice"},
		{"", " ", "\t"},
		{"a\nb", "\x1b[31mred", "\xff\xfe"},
		{"team\x00:ch\r", "bot\u202e", "a@b@c"},
		{"alice", "alice", " alice "},
		{"\"quoted\"@example.com", "<a@b.c>", "x:y:z"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		args := []string{a, b, c}
		ctx := context.Background()
		fake := clienttest.NotFound()
		check := func(kind string, arg string, err error) {
			t.Helper()
			if err == nil {
				t.Fatalf("%s %q resolved on an empty server", kind, arg)
			}
			checkMessage(t, err.Error())
			if strings.TrimSpace(arg) == "" {
				if !strings.Contains(err.Error(), "empty") {
					t.Fatalf("%s %q: %v", kind, arg, err)
				}
				return
			}
			var nf *NotFoundError
			var fe *FlagError
			if !errors.As(err, &nf) && !errors.As(err, &fe) {
				t.Fatalf("%s %q: %T %v, want not found or a usage error", kind, arg, err, err)
			}
		}
		users, err := ResolveUsers(ctx, fake, args)
		if err != nil || len(users) != len(args) {
			t.Fatalf("ResolveUsers: %d refs, %v", len(users), err)
		}
		for i, u := range users {
			if u.Arg != args[i] || u.User != nil {
				t.Fatalf("user ref %d: %+v for %q", i, u, args[i])
			}
			check("user", u.Arg, u.Err)
		}
		checkKind(t, fake, Bots(), args, check)
		checkKind(t, fake, Teams(TeamOptions{}), args, check)
		checkKind(t, fake, Channels(ChannelOptions{}), args, check)
		checkKind(t, fake, Channels(ChannelOptions{Team: c, IncludeArchived: true}), args[:2], check)
		checkKind(t, fake, QualifiedChannels(ChannelOptions{}, &ChannelTeams{}), args, check)
		checkKind(t, fake, Hooks(HookOptions{}), args, check)
	})
}

func checkKind[T any](t *testing.T, c client.Client, k Kind[T], args []string, check func(kind, arg string, err error)) {
	t.Helper()
	refs, err := k.Resolve(context.Background(), c, args)
	if err != nil || len(refs) != len(args) {
		t.Fatalf("%s: %d refs for %d arguments, %v", k.Name, len(refs), len(args), err)
	}
	for i, r := range refs {
		if r.Arg != args[i] {
			t.Fatalf("%s ref %d is for %q, not %q", k.Name, i, r.Arg, args[i])
		}
		check(k.Name, r.Arg, r.Err)
	}
}

// FuzzResolveHooks resolves an argument among an incoming and an outgoing webhook with fuzzed
// display names: a hook is found by its ID or by a display name equal to the argument
// (exactly, else ignoring case); more than one match is ambiguous, none is not found.
func FuzzResolveHooks(f *testing.F) {
	for _, s := range [][3]string{
		{"deploys", "deploys", "alerts"},
		{"Deploys", "deploys", "DEPLOYS"},
		{"deploys", "Deploys", "deploys"},
		{"  alerts ", "alerts", "other"},
		{"x", "", ""},
		{"", "", ""},
		{"bad\nname", "bad\nname", "bad\nname"},
		{"\xff", "\xff", "\xfe"},
		{"ǅ", "ǆ", "Ǆ"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	in := &model.IncomingWebhook{Id: model.NewId(), ChannelId: model.NewId(), TeamId: model.NewId()}
	out := &model.OutgoingWebhook{Id: model.NewId(), TeamId: in.TeamId}
	f.Add(in.Id, "a", "b")
	f.Add(" "+out.Id, "a", "b")
	f.Fuzz(func(t *testing.T, arg, inName, outName string) {
		in, out := *in, *out
		in.DisplayName, out.DisplayName = inName, outName
		fake := clienttest.NotFound()
		fake.GetIncomingWebhooksFunc = func(context.Context, int, int, string) ([]*model.IncomingWebhook, *model.Response, error) {
			return []*model.IncomingWebhook{&in}, &model.Response{StatusCode: 200}, nil
		}
		fake.GetOutgoingWebhooksFunc = func(context.Context, int, int, string) ([]*model.OutgoingWebhook, *model.Response, error) {
			return []*model.OutgoingWebhook{&out}, &model.Response{StatusCode: 200}, nil
		}
		fake.GetIncomingWebhookFunc = func(_ context.Context, id, _ string) (*model.IncomingWebhook, *model.Response, error) {
			if id == in.Id {
				return &in, &model.Response{StatusCode: 200}, nil
			}
			return nil, &model.Response{StatusCode: 404}, clienttest.ErrNotFound
		}
		fake.GetOutgoingWebhookFunc = func(_ context.Context, id string) (*model.OutgoingWebhook, *model.Response, error) {
			if id == out.Id {
				return &out, &model.Response{StatusCode: 200}, nil
			}
			return nil, &model.Response{StatusCode: 404}, clienttest.ErrNotFound
		}
		refs, err := Hooks(HookOptions{}).Resolve(context.Background(), fake, []string{arg})
		if err != nil || len(refs) != 1 || refs[0].Arg != arg {
			t.Fatalf("%d refs, %v", len(refs), err)
		}
		key := strings.TrimSpace(arg)
		var want []*Hook
		switch key {
		case in.Id:
			want = []*Hook{{Incoming: &in}}
		case out.Id:
			want = []*Hook{{Outgoing: &out}}
		default:
			var exact, folded []*Hook
			for _, h := range []*Hook{{Incoming: &in}, {Outgoing: &out}} {
				switch {
				case h.DisplayName() == key:
					exact = append(exact, h)
				case strings.EqualFold(h.DisplayName(), key):
					folded = append(folded, h)
				}
			}
			want = exact
			if len(want) == 0 {
				want = folded
			}
		}
		r := refs[0]
		if r.Err != nil {
			checkMessage(t, r.Err.Error())
		}
		var amb *AmbiguousError
		var nf *NotFoundError
		var fe *FlagError
		switch {
		case key == "":
			if !errors.As(r.Err, &fe) {
				t.Fatalf("empty argument %q: %v", arg, r.Err)
			}
		case len(want) == 1:
			if r.Err != nil || r.Obj == nil || r.Obj.ID() != want[0].ID() {
				t.Fatalf("%q among %q and %q: %+v, want %s", arg, inName, outName, r, want[0].ID())
			}
		case len(want) > 1:
			if !errors.As(r.Err, &amb) || len(amb.Candidates) != len(want) {
				t.Fatalf("%q among %q and %q: %+v, want ambiguous", arg, inName, outName, r)
			}
		default:
			if !errors.As(r.Err, &nf) {
				t.Fatalf("%q among %q and %q: %+v, want not found", arg, inName, outName, r)
			}
		}
	})
}

// checkMessage fails unless msg is one line of printable text: an argument with control
// characters or invalid UTF-8 must be quoted.
func checkMessage(t *testing.T, msg string) {
	t.Helper()
	for i, r := range msg {
		if (r == utf8.RuneError && !strings.HasPrefix(msg[i:], "\uFFFD")) || !strconv.IsPrint(r) {
			t.Fatalf("message has a raw %q at byte %d: %q", r, i, msg)
		}
	}
}
