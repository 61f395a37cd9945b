package model

import "testing"

// Every event the app publishes needs a declared audience, or the hub drops it.
func TestAudienceOfIntegrationEvents(t *testing.T) {
	for ev, want := range map[string]Scope{EventEmojiAdded: ScopeAll, EventEphemeralMessage: ScopeUser} {
		a, ok := AudienceOf(ev)
		if !ok || a.Scopes != want {
			t.Errorf("%s: audience %+v, %v; want scopes %v", ev, a, ok, want)
		}
	}
}
