package cmdutil

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestUsageArgs(t *testing.T) {
	tests := []struct {
		use  string
		want []UsageArg
	}{
		{"list", nil},
		{"show <user>...", []UsageArg{{Name: "<user>", Variadic: true}}},
		{"generate <user> <description>", []UsageArg{{Name: "<user>"}, {Name: "<description>"}}},
		{"api [<method>] <path>", []UsageArg{{Name: "<method>", Optional: true}, {Name: "<path>"}}},
		{"login [<server-url>]", []UsageArg{{Name: "<server-url>", Optional: true}}},
		{"invite <email> <team>...", []UsageArg{{Name: "<email>"}, {Name: "<team>", Variadic: true}}},
		{"migrate-auth <from> <to> [<match-field> | <users-file>]", []UsageArg{
			{Name: "<from>"}, {Name: "<to>"}, {Name: "<match-field> or <users-file>", Optional: true}}},
		{"convert (<user>... --bot | <bot> --user --password-file FILE)", []UsageArg{{Name: "<user> or <bot>", Variadic: true}}},
		{"get <user>... --category CATEGORY --name NAME", []UsageArg{{Name: "<user>", Variadic: true}}},
		{"list <user>... [--category CATEGORY]", []UsageArg{{Name: "<user>", Variadic: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.use, func(t *testing.T) {
			if got := UsageArgs(tt.use); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("UsageArgs(%q) = %+v, want %+v", tt.use, got, tt.want)
			}
		})
	}
}

func TestCheckNonEmptyArgs(t *testing.T) {
	tests := []struct {
		use     string
		args    []string
		wantErr string // "" for no error
	}{
		{"show <user>...", []string{"alice", "bob"}, ""},
		{"show <user>...", nil, ""},
		{"show <user>...", []string{""}, "argument 1 (<user>) is empty"},
		{"show <user>...", []string{"alice", "bob", " \t"}, "argument 3 (<user>) is only whitespace"},
		{"generate <user> <description>", []string{"alice", ""}, "argument 2 (<description>) is empty"},
		{"generate <user> <description>", []string{"", "ci"}, "argument 1 (<user>) is empty"},
		{"api [<method>] <path>", []string{""}, "argument 1 (<path>) is empty"},
		{"api [<method>] <path>", []string{"", "/users"}, "argument 1 (<method>) is empty"},
		{"api [<method>] <path>", []string{"GET", " "}, "argument 2 (<path>) is only whitespace"},
		{"login [<server-url>]", []string{""}, "argument 1 (<server-url>) is empty"},
		{"invite <email> <team>...", []string{"a@example.com", "red", ""}, "argument 3 (<team>) is empty"},
		{"migrate-auth <from> <to> [<match-field> | <users-file>]", []string{"email", "saml", ""},
			"argument 3 (<match-field> or <users-file>) is empty"},
		{"migrate-auth <from> <to> [<match-field> | <users-file>]", []string{"email", ""}, "argument 2 (<to>) is empty"},
		// More arguments than the Use line shows: named by position only.
		{"delete <name>", []string{"a", ""}, "argument 2 is empty"},
		{"list", []string{""}, "argument 1 is empty"},
		// Arguments are checked, not cleaned: surrounding spaces are the command's business.
		{"show <user>...", []string{" alice "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.use+" "+strings.Join(tt.args, ","), func(t *testing.T) {
			err := CheckNonEmptyArgs(&cobra.Command{Use: tt.use}, tt.args)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error = %v, want none", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if code := ExitCode(err); code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message is not one line: %q", err)
			}
		})
	}
}

func TestRejectEmptyArgs(t *testing.T) {
	var ran []string
	verb := func(use string, args cobra.PositionalArgs) *cobra.Command {
		return &cobra.Command{Use: use, Args: args, RunE: func(cmd *cobra.Command, _ []string) error {
			ran = append(ran, cmd.Name())
			return nil
		}}
	}
	build := func() *cobra.Command {
		root := &cobra.Command{Use: "matterctl"}
		group := &cobra.Command{Use: "user <command>"}
		group.AddCommand(
			verb("show <user>...", nil),
			verb("list <user>", ExactArgs(1, "one user")),
		)
		root.AddCommand(group, verb("api [<method>] <path>", cobra.RangeArgs(1, 2)))
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		root.SilenceErrors, root.SilenceUsage = true, true
		return root
	}
	exec := func(root *cobra.Command, args ...string) error {
		root.SetArgs(args)
		return root.Execute()
	}

	root := build()
	group, _, _ := root.Find([]string{"user"})
	RejectEmptyArgs(group) // the group first, as its constructor does
	RejectEmptyArgs(root)  // then the whole tree, as the root does
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"user", "show", "alice", ""}, "argument 2 (<user>) is empty"},
		{[]string{"user", "list", " "}, "argument 1 (<user>) is only whitespace"},
		// The command's own count check comes first.
		{[]string{"user", "list", "", ""}, "matterctl user list expects one user, got 2 argument(s)"},
		{[]string{"api", ""}, "argument 1 (<path>) is empty"},
		{[]string{"api", "GET", "/users"}, ""},
		{[]string{"user", "show", "alice"}, ""},
		// The root keeps cobra's own handling of unknown commands.
		{[]string{"nosuch"}, `unknown command "nosuch" for "matterctl"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ran = nil
			err := exec(root, tt.args...)
			if tt.wantErr == "" {
				if err != nil || len(ran) != 1 {
					t.Fatalf("error = %v, ran %v; want one run", err, ran)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if len(ran) != 0 {
				t.Errorf("RunE ran: %v", ran)
			}
			var fe *FlagError
			if !strings.HasPrefix(tt.wantErr, "unknown command") && !errors.As(err, &fe) {
				t.Errorf("error %T is not a usage error", err)
			}
		})
	}

	// Covering a tree twice checks each argument once: the wrapper is not stacked.
	show, _, err := root.Find([]string{"user", "show"})
	if err != nil {
		t.Fatal(err)
	}
	inner := show.Args
	RejectEmptyArgs(root)
	if reflect.ValueOf(show.Args).Pointer() != reflect.ValueOf(inner).Pointer() {
		t.Error("RejectEmptyArgs wrapped an already covered command again")
	}
	if group, _, _ := root.Find([]string{"user"}); group.Args != nil {
		t.Error("a group without RunE got an argument validator")
	}
}
