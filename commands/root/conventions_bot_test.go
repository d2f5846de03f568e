package root

// botVerbClasses classifies the `bot` verbs (merged into verbClasses).
var botVerbClasses = map[string]verbClass{
	"bot assign":  mutating,
	"bot create":  mutating,
	"bot disable": mutating, // `bot enable` undoes it
	"bot enable":  mutating,
	"bot list":    readOnly,
	"bot show":    readOnly,
	"bot update":  mutating,
}

// botWithoutParallel lists the `bot` verbs that take no --parallel (merged into
// withoutParallel).
var botWithoutParallel = map[string]string{
	"bot show": "bots resolve through the shared user resolver, a few lookups at a time",
}

func init() {
	for path, class := range botVerbClasses {
		verbClasses[path] = class
	}
	for path, why := range botWithoutParallel {
		withoutParallel[path] = why
	}
}
