package root

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// verbClass says what a runnable command does to the server or to the credentials file.
type verbClass int

const (
	// readOnly changes nothing.
	readOnly verbClass = iota + 1
	// mutating changes something that can be changed back: it takes --dry-run.
	mutating
	// destructive changes something that cannot be changed back (permanent deletes, revoked
	// tokens, migrated accounts): it takes --dry-run, --confirm and --yes.
	destructive
)

func (c verbClass) String() string {
	switch c {
	case readOnly:
		return "read-only"
	case mutating:
		return "mutating"
	case destructive:
		return "destructive"
	}
	return "unclassified"
}

// verbClasses classifies every runnable command, by its path below matterctl. A command
// missing here fails TestEveryVerbIsClassified: a new verb must be classified, and the flags
// its class requires follow from the table.
var verbClasses = map[string]verbClass{
	"api":        mutating, // any method: --dry-run prints the request instead of sending it
	"completion": readOnly,
	"version":    readOnly,

	"auth clean":   destructive, // removes every stored token
	"auth current": readOnly,
	// A deleted profile is stored again by logging in again.
	"auth delete": mutating,
	"auth list":   readOnly,
	"auth login":  mutating,
	"auth renew":  mutating,
	"auth set":    mutating,
	"auth status": readOnly,
	"auth token":  readOnly,

	"roles list":         readOnly,
	"roles member":       mutating,
	"roles system-admin": mutating,

	"token generate": mutating,
	"token list":     readOnly,
	"token revoke":   destructive,

	"user activate":        mutating,
	"user change-password": mutating,
	"user convert":         mutating,
	"user create":          mutating,
	"user deactivate":      mutating,
	"user delete":          destructive,
	"user deleteall":       destructive,
	"user demote":          mutating,
	"user edit authdata":   mutating,
	"user edit email":      mutating,
	"user edit username":   mutating,
	"user invite":          mutating,
	"user list":            readOnly,
	"user migrate-auth":    destructive,
	// A deleted preference is a setting that `preference set` stores again.
	"user preference delete": mutating,
	"user preference get":    readOnly,
	"user preference list":   readOnly,
	"user preference set":    mutating,
	"user promote":           mutating,
	"user reset-password":    mutating,
	"user resetmfa":          mutating,
	"user search":            readOnly,
	"user show":              readOnly,
	"user verify":            mutating,
}

// withoutParallel lists multi-argument verbs that take no --parallel, and why.
var withoutParallel = map[string]string{
	"user search": "users resolve in bulk (100 per request), not one request per argument",
	"user show":   "users resolve in bulk (100 per request), not one request per argument",
}

// argKinds are the kinds of positional argument whose first appearance in a Use line asks
// for a ValidArgsFunction. The value is false for kinds that have no completer yet: commands
// taking them may lack completion until one is written (then set it to true).
var argKinds = map[string]bool{
	"<user>":    true,
	"<guest>":   true,
	"<bot>":     false, // no bot completer yet
	"<team>":    false, // no team completer yet
	"<channel>": false, // no channel completer yet
}

// walkCommands calls fn for every command in the tree under root, root included, with its
// path below root ("user edit email").
func walkCommands(root *cobra.Command, fn func(path string, c *cobra.Command)) {
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		fn(strings.Join(path, " "), c)
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
	}
	walk(root, nil)
}

// isVerb reports whether c is a verb: a runnable command without subcommands (a group runs only
// to print its help or to reject an unknown subcommand).
func isVerb(c *cobra.Command) bool { return c.Runnable() && !c.HasSubCommands() }

// isHelpTopic reports whether c is a `matterctl help <topic>` page rather than a command.
func isHelpTopic(c *cobra.Command) bool {
	return !c.Runnable() && !c.HasSubCommands()
}

func newConventionRoot(t *testing.T) *cobra.Command {
	t.Helper()
	return NewCmdRoot(newTestEnv(t).f)
}

func TestEveryVerbIsClassified(t *testing.T) {
	seen := map[string]bool{}
	walkCommands(newConventionRoot(t), func(path string, c *cobra.Command) {
		if !isVerb(c) {
			return
		}
		seen[path] = true
		if verbClasses[path] == 0 {
			t.Errorf("%q is not classified: add it to verbClasses as read-only, mutating or destructive", path)
		}
	})
	for path := range verbClasses {
		if !seen[path] {
			t.Errorf("verbClasses lists %q, which is not a runnable command", path)
		}
	}
	for path := range withoutParallel {
		if !seen[path] {
			t.Errorf("withoutParallel lists %q, which is not a runnable command", path)
		}
	}
}

// isMultiArg reports whether c's Use line shows a variadic argument ("<user>...").
func isMultiArg(c *cobra.Command) bool {
	return slices.ContainsFunc(cmdutil.UsageArgs(c.Use), func(a cmdutil.UsageArg) bool { return a.Variadic })
}

func TestVerbsHaveTheFlagsOfTheirClass(t *testing.T) {
	walkCommands(newConventionRoot(t), func(path string, c *cobra.Command) {
		if !isVerb(c) {
			return
		}
		want := map[string]string{} // flag name → value type
		class := verbClasses[path]
		if class == mutating || class == destructive {
			want["dry-run"] = "bool"
		}
		if class == destructive {
			want["confirm"], want["yes"] = "bool", "bool"
		}
		if isMultiArg(c) {
			want["file"] = "string"
			if _, ok := withoutParallel[path]; !ok {
				want["parallel"] = "int"
			}
		}
		if _, ok := withoutParallel[path]; ok && !isMultiArg(c) {
			t.Errorf("%s: listed in withoutParallel but takes no variadic argument (Use %q)", path, c.Use)
		}
		for name, typ := range want {
			fl := c.Flags().Lookup(name)
			switch {
			case fl == nil:
				t.Errorf("%s (%s, Use %q): no --%s", path, class, c.Use, name)
			case fl.Value.Type() != typ:
				t.Errorf("%s: --%s is a %s, want a %s", path, name, fl.Value.Type(), typ)
			case fl.Hidden:
				t.Errorf("%s: --%s is hidden", path, name)
			}
		}
		if class == readOnly && c.Flags().Lookup("dry-run") != nil {
			t.Errorf("%s: read-only but has --dry-run: classify it as mutating", path)
		}
		if y := c.Flags().Lookup("yes"); class == destructive && y != nil && y.Shorthand != "y" {
			t.Errorf("%s: --yes has shorthand %q, want -y", path, y.Shorthand)
		}
	})
}

// imperativeViolation says why short does not read as an imperative sentence, or "".
func imperativeViolation(short string) string {
	if short == "" {
		return "empty"
	}
	if strings.HasSuffix(short, ".") {
		return "ends with a period"
	}
	if short != strings.TrimSpace(short) {
		return "has leading or trailing space"
	}
	first, _, _ := strings.Cut(short, " ")
	first = strings.TrimRight(first, ",;:")
	if !unicode.IsUpper([]rune(first)[0]) {
		return "does not start with a capital letter"
	}
	word := strings.ToLower(first)
	switch {
	case word == "the" || word == "a" || word == "an" || word == "this":
		return "starts with an article, not a verb"
	case strings.HasSuffix(word, "ing"):
		return "starts with a gerund (" + first + "), not the imperative"
	case strings.HasSuffix(word, "s") && !strings.HasSuffix(word, "ss") && !strings.HasSuffix(word, "us"):
		return "starts with a third-person verb (" + first + "), not the imperative"
	}
	return ""
}

func TestImperativeViolation(t *testing.T) {
	for short, bad := range map[string]bool{
		"List users":                      false,
		"Permanently delete users":        false,
		"Create, find and remove users":   false,
		"Process the queue":               false,
		"Lists users":                     true,
		"Listing users":                   true,
		"List users.":                     true,
		"list users":                      true,
		"The users of a team":             true,
		"":                                true,
		"Make users system admins ":       true,
		"Turn off MFA for users":          false,
		"Print the version (with --json)": false,
	} {
		if got := imperativeViolation(short) != ""; got != bad {
			t.Errorf("%q: violation %v, want %v", short, got, bad)
		}
	}
}

func TestCommandsHaveHelpText(t *testing.T) {
	walkCommands(newConventionRoot(t), func(path string, c *cobra.Command) {
		name := "matterctl " + path
		if isHelpTopic(c) {
			return
		}
		if why := imperativeViolation(c.Short); why != "" {
			t.Errorf("%s: Short %q %s", name, c.Short, why)
		}
		if isVerb(c) {
			if strings.TrimSpace(c.Example) == "" {
				t.Errorf("%s: no Example", name)
			}
			for _, line := range strings.Split(c.Example, "\n") {
				if trimmed := strings.TrimSpace(line); trimmed != "" && !strings.HasPrefix(trimmed, "matterctl ") {
					t.Errorf("%s: Example line %q does not start with \"matterctl \"", name, line)
				}
			}
		}
		check := func(fl *pflag.Flag) {
			if strings.TrimSpace(fl.Usage) == "" {
				t.Errorf("%s: --%s has no help text", name, fl.Name)
			}
		}
		c.LocalFlags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
	})
}

// flagValue is a value every flag of type typ accepts.
func flagValue(t *testing.T, typ string) string {
	switch typ {
	case "string", "stringArray", "stringSlice":
		return "x"
	case "int", "int64", "uint", "count":
		return "3"
	case "duration":
		return "7s"
	}
	t.Fatalf("no test value for flags of type %s: add one to flagValue", typ)
	return ""
}

// TestUnderscoreFlagSpellings parses every flag of every command, local, persistent and
// inherited, spelled with underscores (--dry_run) as mmctl scripts do: the root's
// normalisation must reach every subcommand.
func TestUnderscoreFlagSpellings(t *testing.T) {
	root := newConventionRoot(t)
	norm := root.GlobalNormalizationFunc()
	if norm == nil {
		t.Fatal("the root sets no global normalization function")
	}
	if got := norm(root.Flags(), "dry_run"); got != "dry-run" {
		t.Fatalf("the root normalises dry_run to %q", got)
	}
	checked := 0
	walkCommands(root, func(path string, c *cobra.Command) {
		if isHelpTopic(c) {
			return
		}
		if c.GlobalNormalizationFunc() == nil {
			t.Errorf("matterctl %s: no global normalization function", path)
		}
		var names []string
		c.Flags().VisitAll(func(fl *pflag.Flag) { names = append(names, fl.Name) })
		c.InheritedFlags().VisitAll(func(fl *pflag.Flag) { names = append(names, fl.Name) })
		sort.Strings(names)
		for _, name := range slices.Compact(names) {
			if !strings.Contains(name, "-") {
				continue
			}
			checked++
			// A fresh tree for each flag: parsing sets values on flags the tree shares.
			fresh := newConventionRoot(t)
			cmd, _, err := fresh.Find(strings.Fields(path))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			fl := cmd.Flags().Lookup(name)
			if fl == nil {
				fl = cmd.InheritedFlags().Lookup(name)
			}
			arg := "--" + strings.ReplaceAll(name, "-", "_")
			if fl.Value.Type() != "bool" {
				arg += "=" + flagValue(t, fl.Value.Type())
			}
			if err := cmd.ParseFlags([]string{arg}); err != nil {
				t.Errorf("matterctl %s %s: %v", path, arg, err)
				continue
			}
			if got := cmd.Flags().Lookup(name); got == nil || !got.Changed {
				t.Errorf("matterctl %s %s did not set --%s", path, arg, name)
			}
		}
	})
	if checked < 50 {
		t.Errorf("only %d flag spellings checked", checked)
	}
}

// TestArgumentsOfKnownKindsComplete checks that every command whose first argument is of a
// kind with a completer completes it.
func TestArgumentsOfKnownKindsComplete(t *testing.T) {
	found := 0
	walkCommands(newConventionRoot(t), func(path string, c *cobra.Command) {
		args := cmdutil.UsageArgs(c.Use)
		if !isVerb(c) || len(args) == 0 {
			return
		}
		// Alternatives ("<user> or <bot>") ask for completion when any of them has a completer.
		required := false
		for _, kind := range strings.Split(args[0].Name, " or ") {
			if argKinds[kind] {
				required = true
			}
		}
		if !required {
			return
		}
		found++
		if c.ValidArgsFunction == nil {
			t.Errorf("matterctl %s (Use %q): no ValidArgsFunction: set one with the cmdutil.Complete* helpers", path, c.Use)
		}
	})
	if found < 20 {
		t.Errorf("only %d commands take a user first; the walk is broken", found)
	}
}
