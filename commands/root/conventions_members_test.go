package root

// membersVerbClasses classifies the `team users` and `channel users` verbs (merged into
// verbClasses).
var membersVerbClasses = map[string]verbClass{}

func init() {
	for path, class := range membersVerbClasses {
		verbClasses[path] = class
	}
}
