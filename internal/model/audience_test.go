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

// Redacted drops exactly the admin-only keys, from a copy.
func TestRedacted(t *testing.T) {
	aud, _ := AudienceOf(EventPostDeleted)
	ev := NewEvent(EventPostDeleted, Broadcast{ChannelID: "c"}, map[string]any{"post": "{}", "delete_by": "u"})
	r := aud.Redacted(ev)
	if r == nil || len(r.Data) != 1 || r.Data["post"] != "{}" || r.Broadcast.ChannelID != "c" {
		t.Fatalf("redacted: %+v", r)
	}
	if ev.Data["delete_by"] != "u" {
		t.Fatalf("the original lost its data: %+v", ev.Data)
	}
	if r := aud.Redacted(NewEvent(EventPostDeleted, Broadcast{ChannelID: "c"}, map[string]any{"post": "{}"})); r != nil {
		t.Fatalf("nothing to redact, got a copy: %+v", r)
	}
}
