package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/printer"
)

type gadget struct{ Name, Color string }

// gadgetCreate is a FileCreate over gadgets whose name must be unique and not "taken".
func gadgetCreate(created *[]string, mu *sync.Mutex) FileCreate[gadget, *gadget] {
	return FileCreate[gadget, *gadget]{
		Kind:   Kind[*gadget]{Name: "gadget", ID: func(g *gadget) string { return g.Name }, Label: func(g *gadget) string { return g.Name }},
		Schema: records.Schema{{Name: "name", Required: true}, {Name: "color"}},
		Parse: func(rec records.Record) (gadget, string, error) {
			g := gadget{Name: rec.Fields["name"], Color: rec.Fields["color"]}
			if g.Color == "plaid" {
				return g, g.Name, errors.New("plaid is not a color")
			}
			return g, g.Name, nil
		},
		Keys: func(g gadget) [][2]string { return [][2]string{{"name", g.Name}} },
		Existing: func(_ context.Context, _ client.Client, specs []gadget) ([]error, error) {
			errs := make([]error, len(specs))
			for i, g := range specs {
				if g.Name == "taken" {
					errs[i] = fmt.Errorf("gadget %s already exists", g.Name)
				}
			}
			return errs, nil
		},
		Planned: func(g gadget) *gadget { return &g },
		Create: func(_ context.Context, _ client.Client, g gadget) (*gadget, error) {
			if g.Name == "taken" {
				return nil, fmt.Errorf("gadget %s already exists", g.Name)
			}
			mu.Lock()
			defer mu.Unlock()
			*created = append(*created, g.Name)
			return &g, nil
		},
		Message: func(g *gadget, dryRun bool) string {
			if dryRun {
				return "would create gadget " + g.Name
			}
			return "Created gadget " + g.Name
		},
	}
}

func TestFileCreate(t *testing.T) {
	const file = "name,color\nred1,red\nplaid1,plaid\nred1,blue\ntaken,\n,green\nblue1,blue\n"
	for _, dryRun := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry-run=%v", dryRun), func(t *testing.T) {
			ios, in, out, errOut := iostreams.Test()
			in.WriteString(file)
			p, err := printer.New(ios, printer.Options{JSON: true})
			if err != nil {
				t.Fatal(err)
			}
			var created []string
			var mu sync.Mutex
			err = gadgetCreate(&created, &mu).Run(context.Background(), p, FileCreateRun{
				Path: "-", Stdin: ios.In, DryRun: dryRun, Parallel: 3,
				Client: func() (client.Client, error) { return &clienttest.Fake{}, nil },
			})
			if ExitCode(err) != ExitPartial {
				t.Fatalf("err = %v (exit %d), want a partial failure", err, ExitCode(err))
			}
			wantCreated := 2
			if dryRun {
				wantCreated = 0
			}
			if len(created) != wantCreated {
				t.Errorf("created %v", created)
			}
			stderr := errOut.String()
			for _, want := range []string{
				"line 3: plaid1: plaid is not a color",
				"line 4: red1: name red1 repeats line 2",
				"line 5: taken: gadget taken already exists",
				"line 6: ",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			verb := "Created gadget "
			if dryRun {
				verb = "would create gadget "
			}
			for _, name := range []string{"red1", "blue1"} {
				if strings.Count(stderr, verb+name) != 1 {
					t.Errorf("stderr has %q %d times:\n%s", verb+name, strings.Count(stderr, verb+name), stderr)
				}
			}
			var rows []map[string]any
			if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
			}
			if len(rows) != 6 {
				t.Errorf("%d rows, want one per file row:\n%s", len(rows), out)
			}
		})
	}
}

func TestFileCreateBadFileNeedsNoClient(t *testing.T) {
	for name, content := range map[string]string{"empty": "name,color\n", "no name column": "color\nred\n"} {
		t.Run(name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			in.WriteString(content)
			p, _ := printer.New(ios, printer.Options{})
			var created []string
			var mu sync.Mutex
			err := gadgetCreate(&created, &mu).Run(context.Background(), p, FileCreateRun{
				Path: "-", Stdin: ios.In, Parallel: 1,
				Client: func() (client.Client, error) { t.Error("the client was asked for"); return nil, errors.New("no") },
			})
			if err == nil || ExitCode(err) == ExitOK {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
