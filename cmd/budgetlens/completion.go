package main

import (
	"github.com/spf13/cobra"
)

// newCompletionCmd writes the shell completion script of root. The scripts
// ask budgetlens itself for the values of flags (phases, layers and runs
// from the store named by --db, presets, formats, limit names), so they
// stay right as the store changes.
func newCompletionCmd(root *cobra.Command) *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Write the shell completion script (commands, flags and their values)",
		Long: `completion writes a script that makes your shell complete budgetlens' commands,
flags and flag values: --phase, --kind, --by, --format and --preset with the
words they take, --layer, --run and --fy with what the store (--db) holds, and
file flags with the extensions they read. Load it once per shell or install it.`,
		Example: `  # bash, this shell only
  source <(budgetlens completion bash)
  # bash, for every new shell (Debian's bash-completion)
  budgetlens completion bash > ~/.local/share/bash-completion/completions/budgetlens
  # zsh
  budgetlens completion zsh > "${fpath[1]}/_budgetlens"
  # fish
  budgetlens completion fish > ~/.config/fish/completions/budgetlens.fish`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(w)
				}
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, !noDesc)
			case "powershell":
				if noDesc {
					return root.GenPowerShellCompletion(w)
				}
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return usageError(cmd, "unknown shell %q: use bash, zsh, fish or powershell", args[0])
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "leave out the descriptions of the completions")
	return cmd
}
