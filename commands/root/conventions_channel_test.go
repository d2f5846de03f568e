package root

// channelVerbClasses classifies the `channel` verbs (merged into verbClasses).
var channelVerbClasses = map[string]verbClass{}

func init() {
	for path, class := range channelVerbClasses {
		verbClasses[path] = class
	}
}
