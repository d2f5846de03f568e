package root

// channelVerbClasses classifies the `channel` verbs (merged into verbClasses).
var channelVerbClasses = map[string]verbClass{
	"channel archive": mutating,
	"channel create":  mutating,
	// Permanent: posts, files and members are gone.
	"channel delete":    destructive,
	"channel list":      readOnly,
	"channel modify":    mutating,
	"channel move":      mutating,
	"channel rename":    mutating,
	"channel search":    readOnly,
	"channel show":      readOnly,
	"channel unarchive": mutating,
}

// channelWithoutParallel lists the `channel` verbs that take a variadic argument but no
// --parallel (merged into withoutParallel).
var channelWithoutParallel = map[string]string{
	"channel list": "teams are listed one after the other, in argument order; their pages are fetched ahead",
	"channel show": "channels resolve a few at a time and print in argument order",
}

func init() {
	for path, class := range channelVerbClasses {
		verbClasses[path] = class
	}
	for path, why := range channelWithoutParallel {
		withoutParallel[path] = why
	}
}
