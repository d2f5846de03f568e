package root

// webhookVerbClasses classifies the `webhook` verbs (merged into verbClasses).
var webhookVerbClasses = map[string]verbClass{
	"webhook create-incoming": mutating,
	"webhook create-outgoing": mutating,
	// A deleted webhook cannot be restored: a new one gets a new ID (and URL, or token).
	"webhook delete":          destructive,
	"webhook list":            readOnly,
	"webhook modify-incoming": mutating,
	"webhook modify-outgoing": mutating,
	// A post cannot be taken back through the webhook, but it is one message: --dry-run
	// prints it instead.
	"webhook send": mutating,
	"webhook show": readOnly,
}

// webhookWithoutParallel lists the `webhook` verbs that take a variadic argument but no
// --parallel (merged into withoutParallel).
var webhookWithoutParallel = map[string]string{
	"webhook list": "the whole server is listed in one paged request per kind, filtered by team; no request per team",
	"webhook show": "names resolve against one listing of the webhooks in scope and print in argument order",
}

func init() {
	for path, class := range webhookVerbClasses {
		verbClasses[path] = class
	}
	for path, why := range webhookWithoutParallel {
		withoutParallel[path] = why
	}
}
