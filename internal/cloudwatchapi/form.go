package cloudwatchapi

import (
	"encoding"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The query protocol flattens a request into dotted form names
// (MetricData.member.1.Dimensions.member.2.Name, Entity.KeyAttributes.entry.1.key).
// decodeForm builds a tree of the names once and fills the wire structs
// from it by reflection, so the three protocols share the input shapes.

type formNode struct {
	value    *string
	children map[string]*formNode
}

func formTree(values url.Values) *formNode {
	root := &formNode{}
	for k, vs := range values {
		if len(vs) == 0 {
			continue
		}
		n := root
		for part := range strings.SplitSeq(k, ".") {
			if n.children == nil {
				n.children = map[string]*formNode{}
			}
			c := n.children[part]
			if c == nil {
				c = &formNode{}
				n.children[part] = c
			}
			n = c
		}
		v := vs[0]
		n.value = &v
	}
	return root
}

// indexed returns the children of n named by positive integers, in order.
func (n *formNode) indexed() []*formNode {
	type item struct {
		i int
		n *formNode
	}
	var items []item
	for k, c := range n.children {
		if i, err := strconv.Atoi(k); err == nil && i > 0 && k[0] != '0' {
			items = append(items, item{i, c})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return a.i - b.i })
	out := make([]*formNode, len(items))
	for i, it := range items {
		out[i] = it.n
	}
	return out
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeForm fills the struct v points to from the query values.
func decodeForm(values url.Values, v any) error {
	return decodeNode(formTree(values), reflect.ValueOf(v).Elem(), "")
}

func decodeNode(n *formNode, v reflect.Value, path string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if n.value == nil {
			return nil
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(*n.value)); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := decodeNode(n, p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			c := n.children[f.Name]
			if c == nil || !f.IsExported() {
				continue
			}
			if err := decodeNode(c, v.Field(i), join(path, f.Name)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		m := n.children["member"]
		if m == nil {
			// An empty list is sent as "Name=" alone.
			return nil
		}
		items := m.indexed()
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, c := range items {
			if err := decodeNode(c, s.Index(i), join(path, "member."+strconv.Itoa(i+1))); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		e := n.children["entry"]
		if e == nil || v.Type().Key().Kind() != reflect.String {
			return nil
		}
		m := reflect.MakeMap(v.Type())
		for _, c := range e.indexed() {
			k, val := c.children["key"], c.children["value"]
			if k == nil || k.value == nil {
				continue
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			if val != nil {
				if err := decodeNode(val, ev, join(path, "value")); err != nil {
					return err
				}
			}
			m.SetMapIndex(reflect.ValueOf(*k.value).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
	default:
		if n.value == nil {
			return nil
		}
		s := *n.value
		switch v.Kind() {
		case reflect.String:
			v.SetString(s)
		case reflect.Float64, reflect.Float32:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", path, s)
			}
			v.SetFloat(f)
		case reflect.Int, reflect.Int32, reflect.Int64:
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not an integer", path, s)
			}
			v.SetInt(i)
		case reflect.Bool:
			b, err := strconv.ParseBool(s)
			if err != nil {
				return fmt.Errorf("%s: %q is not a boolean", path, s)
			}
			v.SetBool(b)
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
