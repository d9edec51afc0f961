package postgres

import (
	"net/url"
	"regexp"
	"strings"
)

// redactedPassword replaces a password wherever the package writes a URL.
const redactedPassword = "xxxxx"

// kvPassword matches password=... and sslpassword=... in a keyword/value
// connection string ("host=db user=u password='s e' dbname=x"), quoted or
// not.
var kvPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// Redact returns a connection string fit for messages and logs: the
// password of a postgres:// URL's user part and any password or
// sslpassword parameter (URL query or keyword/value form) is replaced by
// xxxxx. Everything else (host, port, user, database, sslmode, ...) is kept
// so that the reader can tell which database is meant.
func Redact(conn string) string {
	if !IsURL(conn) {
		return kvPassword.ReplaceAllString(conn, "${1}="+redactedPassword)
	}
	u, err := url.Parse(conn)
	if err != nil {
		// not parseable: keep only the scheme and host-ish part before any
		// user information could appear
		if i := strings.LastIndex(conn, "@"); i >= 0 {
			return conn[:strings.Index(conn, "://")+3] + redactedPassword + conn[i:]
		}
		return kvPassword.ReplaceAllString(conn, "${1}="+redactedPassword)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), redactedPassword)
		}
	}
	q := u.Query()
	changed := false
	for k := range q {
		if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
			q.Set(k, redactedPassword)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// passwordsOf returns the passwords written in a connection string, in
// their raw and decoded forms, so that they can be scrubbed from any text.
func passwordsOf(conn string) []string {
	var out []string
	add := func(p string) {
		if p != "" {
			out = append(out, p)
		}
	}
	if IsURL(conn) {
		if u, err := url.Parse(conn); err == nil {
			if p, ok := u.User.Password(); ok {
				add(p)
				add(url.UserPassword("", p).String()[1:]) // percent-encoded form
			}
			for k, vs := range u.Query() {
				if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
					for _, v := range vs {
						add(v)
					}
				}
			}
		} else if i, j := strings.Index(conn, "://"), strings.LastIndex(conn, "@"); i >= 0 && j > i {
			if k := strings.Index(conn[i+3:j], ":"); k >= 0 {
				add(conn[i+3+k+1 : j])
			}
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(conn, -1) {
		add(strings.Trim(m[2], "'"))
	}
	return out
}

// scrub removes every secret from s.
func scrub(s string, secrets []string) string {
	for _, p := range secrets {
		if len(p) >= 3 { // shorter ones would garble every message and protect nothing
			s = strings.ReplaceAll(s, p, redactedPassword)
		}
	}
	return s
}
