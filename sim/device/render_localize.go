package device

import "strings"

// Localize returns the app's string for key with args put in place of its
// %@ and %n$@ specifiers, and %% as a literal percent sign (apns.md#P06).
// A key missing from strs is used as the format itself, as iOS shows the
// key. A format that asks for more arguments than args holds gives the
// text with those places empty and a *LocArgsError.
func Localize(strs map[string]string, key string, args []string) (string, error) {
	format, ok := strs[key]
	if !ok {
		format = key
	}
	if strings.IndexByte(format, '%') < 0 {
		return format, nil
	}
	var b strings.Builder
	b.Grow(len(format) + 16*len(args))
	var err error
	missing := func(n int) {
		if err == nil {
			err = &LocArgsError{Field: key, Index: n, Msg: "the format needs this argument but loc-args is shorter"}
		}
	}
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		switch format[i+1] {
		case '%':
			b.WriteByte('%')
			i++
			continue
		case '@':
			next++
			if next <= len(args) {
				b.WriteString(args[next-1])
			} else {
				missing(next)
			}
			i++
			continue
		}
		// Positional: %n$@ with n from 1.
		j, n := i+1, 0
		for j < len(format) && format[j] >= '0' && format[j] <= '9' && n < 1000 {
			n = n*10 + int(format[j]-'0')
			j++
		}
		if j > i+1 && j+1 < len(format) && format[j] == '$' && format[j+1] == '@' && n >= 1 {
			if n <= len(args) {
				b.WriteString(args[n-1])
			} else {
				missing(n)
			}
			i = j + 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), err
}

// localizeField returns literal text, or the localized key when key is
// set, and notes a malformed argument list.
func localizeField(a *App, text, key string, args []string, notes *[]string) string {
	if key == "" {
		return text
	}
	s, err := Localize(a.Strings, key, args)
	if err != nil {
		*notes = append(*notes, err.Error())
	}
	return s
}

// localize returns literal text, or the localized key when key is set,
// ignoring argument errors (the caller notes them where it matters).
func localize(strs map[string]string, text, key string, args []string) string {
	if key == "" {
		return text
	}
	s, _ := Localize(strs, key, args)
	return s
}
