// Package metrics writes the numbers of a run as recog's metrics.json: a
// JSON object whose snake_case keys name the split and the measure
// (valid_acc, test_psnr_db, s_per_epoch; curves as arrays, valid_acc_curve).
//
// Each question returns its numbers as a typed Metrics struct whose json
// tags are the keys. Values turns such a struct into plain JSON values:
//
//   - a struct becomes an object of its exported fields, named by their json
//     tag (a field tagged "-" or without a name is left out; "omitempty"
//     leaves out a zero value);
//   - a field tagged metrics:"inline" (a map with string keys, a struct or a
//     pointer to one) adds its keys to the enclosing object instead, with the
//     tag's prefix=P put before each key (metrics:"inline,prefix=scratch_"):
//     metrics whose keys depend on the run (one object per photo, one set of
//     curves per learning rate) stay typed;
//   - every number becomes a float64, and NaN and ±Inf become null, so that
//     a run that has no value for a measure still writes its file (the
//     standard encoder refuses NaN).
//
// The report of `recog all` reads these values (internal/report).
package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
)

// Values returns v as plain JSON values (map[string]any, []any, float64,
// string, bool and nil); see the package documentation.
func Values(v any) (any, error) {
	return value(reflect.ValueOf(v))
}

// Object returns Values(v) for a v that is an object (a struct or a map).
func Object(v any) (map[string]any, error) {
	x, err := Values(v)
	if err != nil {
		return nil, err
	}
	m, ok := x.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("metrics: %T is not an object", v)
	}
	return m, nil
}

// JSON returns Values(v) as indented JSON (two spaces, keys sorted) ending in
// a newline.
func JSON(v any) ([]byte, error) {
	x, err := Values(v)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return append(b, '\n'), nil
}

// Write writes JSON(v) to the file at path.
func Write(path string, v any) error {
	b, err := JSON(v)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, b, 0o644)
}

func value(v reflect.Value) (any, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return nil, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return value(v.Elem())
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, nil
		}
		return nil, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := value(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map, reflect.Struct:
		out := map[string]any{}
		if err := addFields(out, v, ""); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, fmt.Errorf("metrics: cannot write a %v", v.Type())
}

// addFields adds the keys of the map or struct v to out, each after prefix.
func addFields(out map[string]any, v reflect.Value, prefix string) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("metrics: map keys of %v are not strings", v.Type())
		}
		it := v.MapRange()
		for it.Next() {
			e, err := value(it.Value())
			if err != nil {
				return err
			}
			out[prefix+it.Key().String()] = e
		}
		return nil
	case reflect.Struct:
	default:
		return fmt.Errorf("metrics: %v cannot be inlined", v.Type())
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if tag, ok := f.Tag.Lookup("metrics"); ok {
			p, found := strings.CutPrefix(tag, "inline")
			if !found || (p != "" && !strings.HasPrefix(p, ",prefix=")) {
				return fmt.Errorf("metrics: field %s: tag metrics:%q, want \"inline\" or \"inline,prefix=P\"", f.Name, tag)
			}
			if err := addFields(out, v.Field(i), prefix+strings.TrimPrefix(p, ",prefix=")); err != nil {
				return fmt.Errorf("metrics: field %s: %w", f.Name, err)
			}
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if opts == "omitempty" && v.Field(i).IsZero() {
			continue
		}
		e, err := value(v.Field(i))
		if err != nil {
			return fmt.Errorf("metrics: field %s: %w", f.Name, err)
		}
		out[prefix+name] = e
	}
	return nil
}
