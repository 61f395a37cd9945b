package bulkio

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// SampleSpec sizes a demo data set (the flags of `parley sampledata`).
type SampleSpec struct {
	Seed                  int64
	Teams                 int
	ChannelsPerTeam       int
	Users                 int
	DeactivatedUsers      int
	TeamMemberships       int
	ChannelMemberships    int
	PostsPerChannel       int
	DirectChannels        int
	PostsPerDirectChannel int
	GroupChannels         int
	PostsPerGroupChannel  int
}

// Validate applies the classic tool's rules.
func (sp SampleSpec) Validate() error {
	switch {
	case sp.Users < 1:
		return fmt.Errorf("You must create at least one user.")
	case sp.TeamMemberships > sp.Teams:
		return fmt.Errorf("You can't have more team memberships than teams.")
	case sp.ChannelMemberships > sp.ChannelsPerTeam:
		return fmt.Errorf("You can't have more channel memberships than channels per team.")
	case sp.GroupChannels > 0 && sp.Users < 6:
		return fmt.Errorf("You can't have group channels generation with less than 6 users. Use --group-channels 0 or increase the number of users.")
	case sp.DirectChannels > 0 && sp.Users < 2:
		return fmt.Errorf("You can't have direct channels with less than 2 users. Use --direct-channels 0 or increase the number of users.")
	case min(sp.Teams, sp.ChannelsPerTeam, sp.DeactivatedUsers, sp.TeamMemberships, sp.ChannelMemberships, sp.PostsPerChannel,
		sp.DirectChannels, sp.PostsPerDirectChannel, sp.GroupChannels, sp.PostsPerGroupChannel) < 0:
		return fmt.Errorf("Counts cannot be negative.")
	}
	return nil
}

// SampleReport counts what GenerateSampleData made.
type SampleReport struct {
	Users, Teams, Channels, Posts int
	Took                          time.Duration
}

// samplePostChunk is how many posts one transaction stores.
const samplePostChunk = 10000

// Words the sample data is made of.
const (
	sampleFirstNames = "ada alan grace linus margaret ken barbara dennis frances edsger radia tim hedy john katherine donald anita niklaus sophie guido"
	sampleLastNames  = "lovelace turing hopper torvalds hamilton thompson liskov ritchie allen dijkstra perlman berners lamarr backus johnson knuth borg wirth wilson rossum"
	sampleTopicWords = "release design support ops marketing sales random security mobile backend frontend data hiring docs infra qa finance legal events research"
	sampleText       = `the deploy went out this morning and the dashboards look fine but latency on the
		search endpoint doubled after lunch can someone look at the slow query log before the review meeting I pushed a
		fix for the flaky test we should pair on the migration plan next week thanks for the quick turnaround let us
		ship it after the demo please update the runbook with the new alert thresholds coffee is ready in the kitchen`
)

// GenerateSampleData fills the database with a realistic demo data set: the
// well-known sample accounts, teams, channels, memberships and conversations.
// Posts are stored in large batches so that millions take minutes, not hours.
// Sample passwords are hashed cheaply: they are published, not secrets.
func GenerateSampleData(ctx context.Context, a *app.App, s *model.Session, sp SampleSpec) (*SampleReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if err := sp.Validate(); err != nil {
		return nil, model.ErrInvalid("app.sampledata.spec.app_error", err.Error())
	}
	start := time.Now()
	rnd := rand.New(rand.NewPCG(uint64(sp.Seed), uint64(sp.Seed)^0x9e3779b97f4a7c15))
	rep := &SampleReport{}
	sampleFirst, sampleLast := strings.Fields(sampleFirstNames), strings.Fields(sampleLastNames)
	sampleTopics, sampleWords := strings.Fields(sampleTopicWords), strings.Fields(sampleText)
	now := model.Now()
	users := make([]*model.User, 0, sp.Users+sp.DeactivatedUsers)
	for i := range sp.Users + sp.DeactivatedUsers {
		u := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Roles: model.RoleSystemUser, EmailVerified: true}
		first, last := sampleFirst[rnd.IntN(len(sampleFirst))], sampleLast[rnd.IntN(len(sampleLast))]
		u.FirstName, u.LastName = strings.ToUpper(first[:1])+first[1:], strings.ToUpper(last[:1])+last[1:]
		var pw string
		switch {
		case i >= sp.Users:
			n := i - sp.Users
			u.Username, u.Email, pw = "deactivated-"+strconv.Itoa(n), "deactivated-"+strconv.Itoa(n)+"@sample.mattermost.com", "SampleDe@ctivated-"+strconv.Itoa(n)
			u.DeleteAt = now
		case i == 0:
			u.Username, u.Email, pw = "sysadmin", "sysadmin@sample.mattermost.com", "Sys@dmin-sample1"
		case i == 1:
			u.Username, u.Email, pw = "user-1", "user-1@sample.mattermost.com", "SampleUs@r-1"
		default:
			u.Username, u.Email, pw = first+"."+last+"-"+strconv.Itoa(i), "user-"+strconv.Itoa(i)+"@sample.mattermost.com", "SampleUs@r-"+strconv.Itoa(i)
		}
		if i < sp.Users && i%5 == 0 {
			u.Roles = model.RoleSystemUser + " " + model.RoleSystemAdmin
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		u.Password = string(h)
		u.PreSave()
		users = append(users, u)
	}
	active := users[:sp.Users]
	var chans []*model.Channel
	members := map[string][]string{} // channel id → member ids
	// Sample data is written as an import writes: through the operations of
	// the API, without its system messages (the posts are generated below).
	err := a.InBatch(ctx, func(tx *app.Batch) error {
		for _, u := range users {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		teams := make([]*model.Team, 0, sp.Teams)
		for ti := range sp.Teams {
			topic := sampleTopics[ti%len(sampleTopics)]
			t := &model.Team{ID: model.NewID(), CreateAt: now, UpdateAt: now, Name: "sample-" + topic + "-" + strconv.Itoa(ti),
				DisplayName: "Sample " + strings.ToUpper(topic[:1]) + topic[1:] + " " + strconv.Itoa(ti), Type: model.TeamOpen,
				AllowOpenInvite: true, InviteID: model.NewID()}
			teamChans, err := tx.CreateTeam(ctx, t)
			if err != nil {
				return err
			}
			for ci := range sp.ChannelsPerTeam {
				name := sampleTopics[(ti+ci+1)%len(sampleTopics)] + "-" + strconv.Itoa(ci)
				ch := &model.Channel{ID: model.NewID(), CreateAt: now, UpdateAt: now, TeamID: t.ID, Type: model.ChannelOpen,
					Name: name, DisplayName: strings.ReplaceAll(name, "-", " ")}
				if (ci+2)%4 == 0 {
					ch.Type = model.ChannelPrivate
				}
				if err := tx.CreateChannel(ctx, t, ch); err != nil {
					return err
				}
				teamChans = append(teamChans, ch)
			}
			teams = append(teams, t)
			chans = append(chans, teamChans...)
			rep.Teams++
		}
		// Each active user joins some teams, their default channels and some others.
		teamChans := func(ti int) []*model.Channel { return chans[ti*(sp.ChannelsPerTeam+2) : (ti+1)*(sp.ChannelsPerTeam+2)] }
		for _, u := range active {
			for _, ti := range rnd.Perm(sp.Teams)[:sp.TeamMemberships] {
				tc := teamChans(ti)
				if _, _, err := tx.JoinTeam(ctx, teams[ti], u); err != nil {
					return err
				}
				joined := []*model.Channel{tc[0], tc[1]}
				for _, ci := range rnd.Perm(sp.ChannelsPerTeam)[:sp.ChannelMemberships] {
					joined = append(joined, tc[ci+2])
				}
				for _, ch := range joined {
					if _, _, err := tx.AddChannelMember(ctx, ch, u); err != nil {
						return err
					}
					members[ch.ID] = append(members[ch.ID], u.ID)
				}
			}
		}
		// Direct and group messages between random active users.
		conv := func(us []*model.User) error {
			ch, created, err := tx.OpenConversation(ctx, us)
			if err != nil || !created {
				return err
			}
			for _, u := range us {
				members[ch.ID] = append(members[ch.ID], u.ID)
			}
			chans = append(chans, ch)
			return nil
		}
		pick := func(n int) []*model.User {
			us := make([]*model.User, 0, n)
			for _, i := range rnd.Perm(len(active))[:n] {
				us = append(us, active[i])
			}
			return us
		}
		for range sp.DirectChannels {
			if err := conv(pick(2)); err != nil {
				return err
			}
		}
		for range sp.GroupChannels {
			if err := conv(pick(3 + rnd.IntN(min(len(active), 8)-2))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Users, rep.Channels = len(users), len(chans)
	// Posts, spread over the last 30 days, a fifth of them replies.
	for _, ch := range chans {
		n := sp.PostsPerChannel
		switch ch.Type {
		case model.ChannelDirect:
			n = sp.PostsPerDirectChannel
		case model.ChannelGroup:
			n = sp.PostsPerGroupChannel
		}
		authors := members[ch.ID]
		if len(authors) == 0 || n == 0 {
			continue
		}
		span := int64(30*24*time.Hour/time.Millisecond) / int64(n+1)
		at := now - int64(30*24*time.Hour/time.Millisecond)
		for done := 0; done < n; {
			chunk := make([]*model.Post, 0, min(samplePostChunk, n-done))
			for range cap(chunk) {
				at += 1 + rnd.Int64N(max(span, 1))
				p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: authors[rnd.IntN(len(authors))],
					ChannelID: ch.ID, Message: sampleMessage(rnd, sampleWords), Props: map[string]any{}, FileIDs: []string{}}
				if len(chunk) > 0 && rnd.IntN(5) == 0 {
					root := chunk[rnd.IntN(len(chunk))]
					if root.RootID != "" {
						root = chunk[slices.IndexFunc(chunk, func(x *model.Post) bool { return x.ID == root.RootID })]
					}
					p.RootID = root.ID
					root.ReplyCount++
					root.LastReplyAt = at
				}
				p.PreCommit()
				chunk = append(chunk, p)
			}
			if err := a.InBatch(ctx, func(tx *app.Batch) error { return tx.BulkInsertPosts(ctx, chunk) }); err != nil {
				return nil, model.ErrInternal(err)
			}
			done += len(chunk)
			rep.Posts += len(chunk)
		}
	}
	if err := a.Bulk().RecountChannels(ctx); err != nil {
		return nil, model.ErrInternal(err)
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func sampleMessage(rnd *rand.Rand, sampleWords []string) string {
	n := 3 + rnd.IntN(18)
	start := rnd.IntN(len(sampleWords))
	words := make([]string, n)
	for i := range words {
		words[i] = sampleWords[(start+i)%len(sampleWords)]
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}
