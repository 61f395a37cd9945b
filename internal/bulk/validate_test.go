package bulk_test

import (
	"testing"

	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
)

// The importer's team name rule is the model's: a Mattermost export whose
// teams the API would accept imports, and the other way round.
func TestTeamNameRuleAgreesWithModel(t *testing.T) {
	for _, name := range []string{"staff", "hooks", "static", "messages", "assets", "api", "apis", "admin", "helpdesk",
		"boards", "playbooks", "plugins", "signup", "oauth2", "channel", "post-mortem", "ab", "a", "-ab", "ab-", "a--b", "Staff"} {
		team := &model.Team{DisplayName: "X", Name: name, Type: model.TeamOpen}
		if got, want := bulk.ValidTeamName(name), team.IsValid() == nil; got != want {
			t.Errorf("%q: bulk says %v, model says %v", name, got, want)
		}
	}
}
