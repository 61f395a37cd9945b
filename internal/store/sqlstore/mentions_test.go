package sqlstore

import (
	"context"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// mentionCandidates is ChannelAudience's mention list alone.
func mentionCandidates(s *SQLStore, channelID string, usernames []string) ([]string, error) {
	a, err := s.ChannelAudience(context.Background(), store.AudienceQuery{ChannelID: channelID, Mention: true, Usernames: usernames})
	if err != nil {
		return nil, err
	}
	return a.Mention, nil
}

func TestChannelAudienceMentions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		plain, named, keys, first, noKeys, gone, outsider := newUser("plain"), newUser("named"), newUser("keys"),
			newUser("first"), newUser("nokeys"), newUser("gone"), newUser("outsider")
		keys.NotifyProps["mention_keys"] = "rocket,launch"
		first.NotifyProps["first_name"] = "true"
		noKeys.NotifyProps["mention_keys"] = ""
		noKeys.NotifyProps["first_name"] = "false"
		gone.DeleteAt = 1
		gone.NotifyProps["mention_keys"] = "rocket"
		outsider.NotifyProps["mention_keys"] = "rocket"
		ch := &model.Channel{ID: model.NewID(), Type: "O", Name: "mentions", DisplayName: "Mentions"}
		must(t, s.SaveChannel(ctx, ch))
		for _, u := range []*model.User{plain, named, keys, first, noKeys, gone, outsider} {
			must(t, s.SaveUser(ctx, u))
			if u != outsider {
				must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
					NotifyProps: model.DefaultChannelNotifyProps()}))
			}
		}
		got, err := mentionCandidates(s, ch.ID, []string{"named", "outsider", "nobody"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{named.ID, keys.ID, first.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("candidates = %v, want %v (named, keys, first)", got, want)
		}
		got, _ = mentionCandidates(s, ch.ID, nil)
		if len(got) != 2 || slices.Contains(got, named.ID) {
			t.Fatalf("candidates without names = %v, want keys and first", got)
		}
		// Changing notify props moves a user in or out of the candidates.
		plain.NotifyProps["mention_keys"] = "deploy"
		keys.NotifyProps["mention_keys"] = " , "
		must(t, s.UpdateUser(ctx, plain))
		must(t, s.UpdateUser(ctx, keys))
		got, _ = mentionCandidates(s, ch.ID, nil)
		want = []string{plain.ID, first.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("candidates after update = %v, want plain and first", got)
		}
	})
}
