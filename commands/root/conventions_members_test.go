package root

// membersVerbClasses classifies the `team users` and `channel users` verbs (merged into
// verbClasses). Removing a member is undone by adding them back, and mmctl scripts run
// `team users remove` and `channel users remove --all-users` without a confirmation flag: the
// removals are mutating, with --dry-run. `channel users remove --all-users` still asks at a
// terminal (--confirm or --yes skips the question).
var membersVerbClasses = map[string]verbClass{
	"team users add":       mutating,
	"team users remove":    mutating,
	"team users list":      readOnly,
	"channel users add":    mutating,
	"channel users remove": mutating,
	"channel users list":   readOnly,
}

func init() {
	for path, class := range membersVerbClasses {
		verbClasses[path] = class
	}
}
