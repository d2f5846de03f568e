package clienttest

import (
	"reflect"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// ErrNotFound is the error NotFound's methods fail with.
var ErrNotFound = &client.Error{Status: 404, ID: "app.clienttest.not_found", Message: "Not found."}

// NotFound returns a Fake of a server where nothing exists: every method whose first result is
// a list (or a map) answers an empty one, every other method fails with ErrNotFound (404).
// Tests may replace single methods afterwards.
func NotFound() *Fake {
	fake := &Fake{}
	v := reflect.ValueOf(fake).Elem()
	for i := range v.NumField() {
		field, ft := v.Field(i), v.Type().Field(i)
		if !ft.IsExported() || ft.Type.Kind() != reflect.Func {
			continue
		}
		fnType := ft.Type
		field.Set(reflect.MakeFunc(fnType, func([]reflect.Value) []reflect.Value { return notFoundResults(fnType) }))
	}
	return fake
}

func notFoundResults(fn reflect.Type) []reflect.Value {
	errType := reflect.TypeFor[error]()
	respType := reflect.TypeFor[*model.Response]()
	empty := fn.NumOut() > 0 && (fn.Out(0).Kind() == reflect.Slice || fn.Out(0).Kind() == reflect.Map)
	outs := make([]reflect.Value, fn.NumOut())
	for i := range outs {
		typ := fn.Out(i)
		switch {
		case typ == respType:
			status := 404
			if empty {
				status = 200
			}
			outs[i] = reflect.ValueOf(&model.Response{StatusCode: status})
		case typ == errType && !empty:
			outs[i] = reflect.ValueOf(error(ErrNotFound))
		case typ.Kind() == reflect.Slice && i == 0:
			outs[i] = reflect.MakeSlice(typ, 0, 0)
		case typ.Kind() == reflect.Map && i == 0:
			outs[i] = reflect.MakeMap(typ)
		default:
			outs[i] = reflect.Zero(typ)
		}
	}
	return outs
}
