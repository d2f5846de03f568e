package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// nonEmptyArgsAnnotation marks a command whose Args already rejects empty arguments, so that
// RejectEmptyArgs can run on a group and again on the whole tree without checking twice.
const nonEmptyArgsAnnotation = "matterctl/non-empty-args"

// UsageArg is one positional argument of a command, as its Use line shows it.
type UsageArg struct {
	Name     string // "<user>"; alternatives are joined: "<match-field> or <users-file>"
	Optional bool   // written in [brackets]
	Variadic bool   // written with "...": takes every remaining argument
}

// UsageArgs lists the positional arguments in a Use line such as "generate <user> <description>",
// "api [<method>] <path>" or "show <user>...". Flags and their values are not arguments.
func UsageArgs(use string) []UsageArg {
	var out []UsageArg
	depth, alternative := 0, false
	fields := strings.Fields(use)
	if len(fields) > 0 {
		fields = fields[1:] // the command's name
	}
	for _, tok := range fields {
		opens := strings.Count(tok, "[")
		depth += opens
		closes := strings.Count(tok, "]")
		if tok == "|" {
			alternative = true
			continue
		}
		if start, end := strings.Index(tok, "<"), strings.Index(tok, ">"); start >= 0 && end > start {
			name := tok[start : end+1]
			variadic := strings.Contains(tok[end:], "...")
			if alternative && len(out) > 0 {
				prev := &out[len(out)-1]
				prev.Name += " or " + name
				prev.Variadic = prev.Variadic || variadic
			} else {
				out = append(out, UsageArg{Name: name, Optional: depth > 0, Variadic: variadic})
			}
		}
		alternative = false
		depth -= closes
		if depth < 0 {
			depth = 0
		}
	}
	return out
}

// argNames names each of n given arguments after the Use line: optional arguments are taken to
// be filled from the left, and a variadic last argument names all the remaining ones. An
// argument the Use line does not account for has no name ("").
func argNames(use string, n int) []string {
	slots := UsageArgs(use)
	required := 0
	for _, s := range slots {
		if !s.Optional {
			required++
		}
	}
	extra := n - required
	names := make([]string, 0, n)
	var last UsageArg
	for _, s := range slots {
		if len(names) == n {
			break
		}
		if s.Optional {
			if extra <= 0 {
				continue
			}
			extra--
		}
		names = append(names, s.Name)
		last = s
	}
	for len(names) < n {
		if last.Variadic {
			names = append(names, last.Name)
		} else {
			names = append(names, "")
		}
	}
	return names
}

// CheckNonEmptyArgs returns a usage error naming the first argument that is empty or only
// whitespace. A command's arguments are names, IDs, paths and values that are never blank: an
// empty one is a mistake in the calling script (an unset variable), never a request.
func CheckNonEmptyArgs(cmd *cobra.Command, args []string) error {
	for i, a := range args {
		if strings.TrimSpace(a) != "" {
			continue
		}
		what := fmt.Sprintf("argument %d", i+1)
		if name := argNames(cmd.Use, len(args))[i]; name != "" {
			what += " (" + name + ")"
		}
		if a == "" {
			return FlagErrorf("%s is empty", what)
		}
		return FlagErrorf("%s is only whitespace", what)
	}
	return nil
}

// NonEmptyArgs wraps a positional-argument validator (nil accepts any number) so that an empty
// or whitespace-only argument is also a usage error. The count is checked first.
func NonEmptyArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if validate != nil {
			if err := validate(cmd, args); err != nil {
				return err
			}
		}
		return CheckNonEmptyArgs(cmd, args)
	}
}

// RejectEmptyArgs makes every runnable command in the tree under cmd (cmd included) refuse
// empty and whitespace-only arguments with a usage error, before its RunE does any I/O.
// Calling it again on a tree that holds already-covered commands is harmless.
func RejectEmptyArgs(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		RejectEmptyArgs(c)
	}
	// A root command without Args lists its subcommands' names as "unknown command" errors
	// (cobra's legacy validation); it is not a verb and has no arguments of its own.
	if !cmd.Runnable() || (cmd.Args == nil && !cmd.HasParent()) || cmd.Annotations[nonEmptyArgsAnnotation] != "" {
		return
	}
	cmd.Args = NonEmptyArgs(cmd.Args)
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[nonEmptyArgsAnnotation] = "true"
}
