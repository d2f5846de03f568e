package root

// pluginVerbClasses classifies the `plugin` verbs (merged into verbClasses).
var pluginVerbClasses = map[string]verbClass{
	"plugin add": mutating,
	// The plugin's settings and data stay on the server: adding the bundle again restores it.
	"plugin delete":              mutating,
	"plugin disable":             mutating, // `plugin enable` undoes it
	"plugin enable":              mutating,
	"plugin install-url":         mutating,
	"plugin list":                readOnly,
	"plugin marketplace install": mutating,
	"plugin marketplace list":    readOnly,
	"plugin show":                readOnly,
	"plugin status":              readOnly,
}

// pluginWithoutParallel lists the `plugin` verbs that take no --parallel (merged into
// withoutParallel).
var pluginWithoutParallel = map[string]string{
	"plugin disable": "the server saves each change into its whole configuration: concurrent changes get lost",
	"plugin enable":  "the server saves each change into its whole configuration: concurrent changes get lost",
	"plugin status":  "one request returns the status of every plugin",
}

func init() {
	for path, class := range pluginVerbClasses {
		verbClasses[path] = class
	}
	for path, why := range pluginWithoutParallel {
		withoutParallel[path] = why
	}
}
