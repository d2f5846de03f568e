package cmdtest

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/matterctl/matterctl/internal/prompt"
)

// Answer is one scripted reply of a Prompter.
type Answer struct {
	Kind  string // "input", "password", "select" or "confirm"
	Title string // a prefix of the title the prompt must have; "" accepts any title
	Value string // the reply to an input, password or select; "" keeps an input's or select's default
	Yes   bool   // the reply to a confirm
	Err   error  // returned instead of a reply
}

// Input is an answer to an input prompt whose title starts with title.
func Input(title, value string) Answer { return Answer{Kind: "input", Title: title, Value: value} }

// Password is an answer to a password prompt whose title starts with title.
func Password(title, value string) Answer {
	return Answer{Kind: "password", Title: title, Value: value}
}

// Select is an answer to a select prompt whose title starts with title.
func Select(title, value string) Answer { return Answer{Kind: "select", Title: title, Value: value} }

// Confirm is an answer to a confirm prompt whose title starts with title.
func Confirm(title string, yes bool) Answer { return Answer{Kind: "confirm", Title: title, Yes: yes} }

// Prompter implements prompt.Prompter with scripted answers, given in the order the prompts
// come, and records every title it is asked. A prompt of another kind or title than the next
// answer, or with no answer left, fails the test and aborts as Ctrl-C would; answers still
// unused when the test ends fail it too.
type Prompter struct {
	t       testing.TB
	mu      sync.Mutex
	answers []Answer
	asked   []string
}

var _ prompt.Prompter = (*Prompter)(nil)

// NewPrompter returns a Prompter with no answers for t.
func NewPrompter(t testing.TB) *Prompter {
	p := &Prompter{t: t}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.answers) > 0 {
			t.Errorf("cmdtest: prompts never asked: %+v (asked: %q)", p.answers, p.asked)
		}
	})
	return p
}

// Script appends answers.
func (p *Prompter) Script(answers ...Answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answers = append(p.answers, answers...)
}

// Asked returns the titles asked so far, in order.
func (p *Prompter) Asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.asked)
}

func (p *Prompter) next(kind, title string) (Answer, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, title)
	if len(p.answers) == 0 {
		p.t.Errorf("cmdtest: unexpected %s prompt %q", kind, title)
		return Answer{}, false
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	if a.Kind != kind || !strings.HasPrefix(title, a.Title) {
		p.t.Errorf("cmdtest: prompt %s %q, want %s %q", kind, title, a.Kind, a.Title)
		return Answer{}, false
	}
	return a, true
}

// Input implements prompt.Prompter. The answer must pass validate.
func (p *Prompter) Input(title, _, def string, validate func(string) error) (string, error) {
	a, ok := p.next("input", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	if a.Err != nil {
		return "", a.Err
	}
	v := a.Value
	if v == "" {
		v = def
	}
	if validate != nil {
		if err := validate(v); err != nil {
			p.t.Errorf("cmdtest: prompt %q: the scripted answer %q does not validate: %v", title, v, err)
			return "", prompt.ErrInterrupted
		}
	}
	return v, nil
}

// Password implements prompt.Prompter.
func (p *Prompter) Password(title string) (string, error) {
	a, ok := p.next("password", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	return a.Value, a.Err
}

// Select implements prompt.Prompter. The answer must be one of options.
func (p *Prompter) Select(title string, options []string, def string) (string, error) {
	a, ok := p.next("select", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	if a.Err != nil {
		return "", a.Err
	}
	v := a.Value
	if v == "" {
		v = def
	}
	if !slices.Contains(options, v) {
		p.t.Errorf("cmdtest: prompt %q: %q is not one of %q", title, v, options)
		return "", prompt.ErrInterrupted
	}
	return v, nil
}

// Confirm implements prompt.Prompter.
func (p *Prompter) Confirm(title string, _ bool) (bool, error) {
	a, ok := p.next("confirm", title)
	if !ok {
		return false, prompt.ErrInterrupted
	}
	return a.Yes, a.Err
}
