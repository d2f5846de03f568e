package root

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// newCmdCompletion builds `completion <shell>`. It replaces cobra's default completion command,
// whose parent prints its help and exits 0 for an unknown or missing shell.
func newCmdCompletion(out io.Writer) *cobra.Command {
	var noDesc bool
	completionShells := []string{"bash", "zsh", "fish", "powershell"}
	shells := strings.Join(completionShells[:len(completionShells)-1], ", ") + " or " + completionShells[len(completionShells)-1]
	cmd := &cobra.Command{
		Use:   "completion <shell>",
		Short: "Print the shell completion script for " + shells,
		Long: `Print the completion script for a shell: ` + shells + `. Commands, flags and profile
names complete, and so do usernames, asked from the server in use.

bash (needs the bash-completion package):
  source <(matterctl completion bash)                               # this session
  matterctl completion bash > /etc/bash_completion.d/matterctl      # every session (Linux)
  matterctl completion bash > $(brew --prefix)/etc/bash_completion.d/matterctl    # (macOS)

zsh (completion enabled with "autoload -U compinit; compinit" in ~/.zshrc):
  source <(matterctl completion zsh)                                # this session
  matterctl completion zsh > "${fpath[1]}/_matterctl"               # every session

fish:
  matterctl completion fish | source                                # this session
  matterctl completion fish > ~/.config/fish/completions/matterctl.fish   # every session

powershell:
  matterctl completion powershell | Out-String | Invoke-Expression  # this session; add it to
                                                                    # your profile for every session

Start a new shell after installing a script.`,
		Example: `  matterctl completion bash > ~/.local/share/bash-completion/completions/matterctl
  matterctl completion zsh --no-descriptions > "${fpath[1]}/_matterctl"`,
		ValidArgs: completionShells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("%s expects one shell (%s), got %d argument(s)", cmd.CommandPath(), shells, len(args))
			}
			if !slices.Contains(completionShells, args[0]) {
				return cmdutil.FlagErrorf("unsupported shell %q: use %s", args[0], shells)
			}
			return nil
		},
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletion(cmd.Root(), args[0], out, !noDesc)
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "Complete without a description next to each suggestion")
	return cmd
}

func writeCompletion(root *cobra.Command, shell string, out io.Writer, withDesc bool) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(out, withDesc)
	case "zsh":
		if withDesc {
			return root.GenZshCompletion(out)
		}
		return root.GenZshCompletionNoDesc(out)
	case "fish":
		return root.GenFishCompletion(out, withDesc)
	case "powershell":
		if withDesc {
			return root.GenPowerShellCompletionWithDesc(out)
		}
		return root.GenPowerShellCompletion(out)
	}
	return fmt.Errorf("unsupported shell %q", shell)
}
