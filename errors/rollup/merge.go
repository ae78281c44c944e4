package rollup

import (
	"github.com/talus-logs/talus/errors/fingerprint"
)

// mergeGroups applies the second level of grouping (fingerprint.Merge) to
// the groups of one request: statements whose templates differ in single
// words that vary (a user or host name without a digit) become one group,
// keyed by the fingerprint of the merged template, with the counts, trends
// and services of its members summed. The counters stay per ingest key, so
// counts are as exact as before; only how they are summed depends on the
// range, as the set of templates seen does.
//
// A group takes part only when its sample's template is the whole of what
// its key was computed from (fingerprint.Statement.Key gives the key back):
// not stack traces, overrides or records with code.function, and not a
// sample cut at its size limit.
func (q *query) mergeGroups(groups []*group) []*group {
	if len(groups) < 2 {
		return groups
	}
	stmts := make([]fingerprint.Statement, len(groups))
	for i, g := range groups {
		stmts[i] = statementOf(g)
	}
	merged := fingerprint.Merge(stmts)
	byKey := make(map[fingerprint.Fingerprint]*group, len(groups))
	out := make([]*group, 0, len(groups))
	for i, g := range groups {
		key := merged[i].Fingerprint
		into := byKey[key]
		if into == nil {
			g.members = append(g.members[:0], g.fp)
			if key != g.fp || merged[i].Template != stmts[i].Template {
				g.template = merged[i].Template
			}
			g.fp = key
			byKey[key] = g
			out = append(out, g)
			continue
		}
		into.members = append(into.members, g.fp)
		into.count += g.count
		into.first, into.last = min(into.first, g.first), max(into.last, g.last)
		for _, s := range g.services {
			into.addService(s.id, s.n)
		}
		into.points = append(into.points, g.points...)
		if g.sample != nil && q.betterSample(into, g.sample, g.sampleService) {
			into.sample, into.sampleService = g.sample, g.sampleService
		}
		if into.template == "" {
			into.template = merged[i].Template
		}
	}
	return out
}

// statementOf returns the statement of a group for fingerprint.Merge: from
// its sample when the sample's template gives its key back, else one that
// Merge leaves alone.
func statementOf(g *group) fingerprint.Statement {
	alone := fingerprint.Statement{Fingerprint: g.fp}
	if g.sample == nil || g.fp.Version != fingerprint.Version {
		return alone
	}
	s := decodeSample(g.sample)
	st := fingerprint.Statement{Fingerprint: g.fp, Rule: fingerprint.RuleMessage, Template: s.Template}
	if s.ExceptionType != "" {
		st.Rule, st.ExceptionType = fingerprint.RuleException, s.ExceptionType
	}
	if st.Key() != g.fp {
		return alone
	}
	return st
}
