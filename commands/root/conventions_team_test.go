package root

// teamVerbClasses classifies the `team` verbs (merged into verbClasses).
var teamVerbClasses = map[string]verbClass{
	"team archive": mutating, // `team restore` undoes it
	"team create":  mutating,
	"team delete":  destructive,
	"team list":    readOnly,
	"team modify":  mutating,
	"team rename":  mutating,
	"team restore": mutating,
	"team search":  readOnly,
	"team show":    readOnly,
}

// teamWithoutParallel lists the `team` verbs that take no --parallel (merged into
// withoutParallel).
var teamWithoutParallel = map[string]string{
	"team search": "a term is one request; terms are searched a few at a time",
	"team show":   "teams resolve through the shared resolver, a few lookups at a time",
}

func init() {
	for path, class := range teamVerbClasses {
		verbClasses[path] = class
	}
	for path, why := range teamWithoutParallel {
		withoutParallel[path] = why
	}
}
