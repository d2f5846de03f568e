package cmdutil

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// resolveParallel bounds the concurrent lookups of resolvers that need one request per argument.
const resolveParallel = 8

// ResolveEach resolves every argument with one lookup each (at most resolveParallel at once),
// the same argument once: one Ref per argument, in order. It is the resolver of kinds whose API
// has no batch lookup. The error return is for cancellation only.
func ResolveEach[T any](ctx context.Context, args []string, lookup func(ctx context.Context, arg string) (T, error)) ([]Ref[T], error) {
	type result struct {
		obj T
		err error
	}
	keys := make([]string, 0, len(args))
	seen := map[string]bool{}
	for _, a := range args {
		k := strings.TrimSpace(a)
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	results := make(map[string]result, len(keys))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, resolveParallel)
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var r result
			if k == "" {
				r.err = FlagErrorf("empty argument")
			} else if ctx.Err() == nil {
				r.obj, r.err = lookup(ctx, k)
			}
			mu.Lock()
			results[k] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	refs := make([]Ref[T], len(args))
	for i, a := range args {
		r := results[strings.TrimSpace(a)]
		refs[i] = Ref[T]{Arg: a, Obj: r.obj, Err: r.err}
	}
	return refs, nil
}

// AmbiguousError is a name that matches more than one object; it lists the candidates, each
// in a form that names exactly one of them.
type AmbiguousError struct {
	Kind       string
	Name       string
	Candidates []string
}

func (e *AmbiguousError) Error() string {
	c := append([]string(nil), e.Candidates...)
	sort.Strings(c)
	return fmt.Sprintf("%s %q is ambiguous: it matches %s", e.Kind, e.Name, strings.Join(c, ", "))
}
