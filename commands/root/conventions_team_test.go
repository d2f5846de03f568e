package root

// teamVerbClasses classifies the `team` verbs (merged into verbClasses).
var teamVerbClasses = map[string]verbClass{}

func init() {
	for path, class := range teamVerbClasses {
		verbClasses[path] = class
	}
}
