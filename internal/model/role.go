package model

// Role is a named set of permissions, as clients fetch it to decide what UI to show.
type Role struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	DisplayName   string   `json:"display_name"`
	Description   string   `json:"description"`
	CreateAt      int64    `json:"create_at"`
	UpdateAt      int64    `json:"update_at"`
	DeleteAt      int64    `json:"delete_at"`
	Permissions   []string `json:"permissions"`
	SchemeManaged bool     `json:"scheme_managed"`
	BuiltIn       bool     `json:"built_in"`
}

// Permission ids, as Mattermost names them.
const (
	PermManageSystem             = "manage_system"
	PermCreateTeam               = "create_team"
	PermListPublicTeams          = "list_public_teams"
	PermListPrivateTeams         = "list_private_teams"
	PermJoinPublicTeams          = "join_public_teams"
	PermJoinPrivateTeams         = "join_private_teams"
	PermViewTeam                 = "view_team"
	PermManageTeam               = "manage_team"
	PermManageTeamRoles          = "manage_team_roles"
	PermAddUserToTeam            = "add_user_to_team"
	PermRemoveUserFromTeam       = "remove_user_from_team"
	PermInviteUser               = "invite_user"
	PermListTeamChannels         = "list_team_channels"
	PermJoinPublicChannels       = "join_public_channels"
	PermReadPublicChannel        = "read_public_channel"
	PermCreatePublicChannel      = "create_public_channel"
	PermCreatePrivateChannel     = "create_private_channel"
	PermManagePublicProps        = "manage_public_channel_properties"
	PermManagePrivateProps       = "manage_private_channel_properties"
	PermManagePublicMembers      = "manage_public_channel_members"
	PermManagePrivateMembers     = "manage_private_channel_members"
	PermDeletePublicChannel      = "delete_public_channel"
	PermDeletePrivateChannel     = "delete_private_channel"
	PermManageChannelRoles       = "manage_channel_roles"
	PermReadChannel              = "read_channel"
	PermCreatePost               = "create_post"
	PermCreatePostPublic         = "create_post_public"
	PermEditPost                 = "edit_post"
	PermEditOthersPosts          = "edit_others_posts"
	PermDeletePost               = "delete_post"
	PermDeleteOthersPosts        = "delete_others_posts"
	PermAddReaction              = "add_reaction"
	PermRemoveReaction           = "remove_reaction"
	PermRemoveOthersReactions    = "remove_others_reactions"
	PermCreateDirectChannel      = "create_direct_channel"
	PermCreateGroupChannel       = "create_group_channel"
	PermViewMembers              = "view_members"
	PermEditOtherUsers           = "edit_other_users"
	PermManageRoles              = "manage_roles"
	PermCreateUserAccessToken    = "create_user_access_token"
	PermReadUserAccessToken      = "read_user_access_token"
	PermRevokeUserAccessToken    = "revoke_user_access_token"
	PermUploadFile               = "upload_file"
	PermUseChannelMentions       = "use_channel_mentions"
	PermCreateEmojis             = "create_emojis"
	PermDeleteEmojis             = "delete_emojis"
	PermDeleteOthersEmojis       = "delete_others_emojis"
	PermUseSlashCommands         = "use_slash_commands"
	PermManageSlashCommands      = "manage_slash_commands"
	PermManageIncomingWebhooks   = "manage_incoming_webhooks"
	PermManageOutgoingWebhooks   = "manage_outgoing_webhooks"
	PermConvertPublicToPrivate   = "convert_public_channel_to_private"
	PermConvertPrivateToPublic   = "convert_private_channel_to_public"
	PermListUsersWithoutTeam     = "list_users_without_team"
	PermReadOtherUsersTeams      = "read_other_users_teams"
	PermGetPublicLink            = "get_public_link"
	PermCreateBot                = "create_bot"
	PermReadBots                 = "read_bots"
	PermManageBots               = "manage_bots"
	PermSysconsoleReadUserMgmt   = "sysconsole_read_user_management_users"
	PermSysconsoleWriteUserMgmt  = "sysconsole_write_user_management_users"
	PermCreatePostEphemeral      = "create_post_ephemeral"
	PermManageOthersBots         = "manage_others_bots"
	PermReadOthersBots           = "read_others_bots"
	PermManageOthersSlashCommand = "manage_others_slash_commands"
	PermManageOthersIncoming     = "manage_others_incoming_webhooks"
	PermManageOthersOutgoing     = "manage_others_outgoing_webhooks"

	// Custom user groups.
	PermCreateCustomGroup        = "create_custom_group"
	PermEditCustomGroup          = "edit_custom_group"
	PermDeleteCustomGroup        = "delete_custom_group"
	PermRestoreCustomGroup       = "restore_custom_group"
	PermManageCustomGroupMembers = "manage_custom_group_members"
	PermUseGroupMentions         = "use_group_mentions"
)

var channelUserPerms = []string{
	PermReadChannel, PermAddReaction, PermRemoveReaction, PermManagePublicMembers, PermUploadFile,
	PermGetPublicLink, PermCreatePost, PermUseChannelMentions, PermUseSlashCommands,
	PermManagePublicProps, PermDeletePublicChannel, PermManagePrivateProps, PermDeletePrivateChannel,
	PermManagePrivateMembers, PermEditPost, PermDeletePost, PermUseGroupMentions,
}

var teamUserPerms = []string{
	PermListTeamChannels, PermJoinPublicChannels, PermReadPublicChannel, PermViewTeam,
	PermCreatePublicChannel, PermCreatePrivateChannel, PermInviteUser, PermAddUserToTeam,
	PermCreatePostPublic,
}

var teamAdminPerms = []string{
	PermEditOthersPosts, PermRemoveUserFromTeam, PermManageTeam, PermImportTeam, PermManageTeamRoles,
	PermManageChannelRoles, PermManageOthersSlashCommand, PermManageSlashCommands,
	PermManageIncomingWebhooks, PermManageOutgoingWebhooks, PermManageOthersIncoming, PermManageOthersOutgoing, PermDeletePost, PermDeleteOthersPosts,
	PermConvertPublicToPrivate, PermConvertPrivateToPublic, PermManagePublicMembers, PermManagePrivateMembers,
	PermManagePublicProps, PermManagePrivateProps, PermDeletePublicChannel, PermDeletePrivateChannel,
	PermRemoveOthersReactions,
}

// PermImportTeam is granted to team admins in Mattermost; kept for role parity.
const PermImportTeam = "import_team"

var channelAdminPerms = []string{
	PermManageChannelRoles, PermManagePublicMembers, PermManagePrivateMembers,
	PermManagePublicProps, PermManagePrivateProps, PermRemoveOthersReactions,
}

var systemUserPerms = []string{
	PermListPublicTeams, PermJoinPublicTeams, PermCreateDirectChannel, PermCreateGroupChannel,
	PermViewMembers, PermCreateTeam, PermCreateEmojis, PermDeleteEmojis, PermCreateBot,
	PermReadBots, PermManageBots, PermCreateCustomGroup, PermEditCustomGroup, PermDeleteCustomGroup,
	PermRestoreCustomGroup, PermManageCustomGroupMembers,
}

// systemAdminOnly lists what only system admins hold beyond every other role's permissions.
var systemAdminOnly = []string{
	PermManageSystem, PermListPrivateTeams, PermJoinPrivateTeams, PermEditOtherUsers, PermManageRoles,
	PermCreateUserAccessToken, PermReadUserAccessToken, PermRevokeUserAccessToken,
	PermListUsersWithoutTeam, PermReadOtherUsersTeams, PermDeleteOthersEmojis,
	PermSysconsoleReadUserMgmt, PermSysconsoleWriteUserMgmt, PermCreatePostEphemeral,
	PermManageOthersBots, PermReadOthersBots,
}

func union(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, p := range l {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// BuiltInRoles returns the roles Parley knows, keyed by name. A new map each call,
// so callers may not change what others see.
func BuiltInRoles() map[string]*Role {
	mk := func(name, display string, schemeManaged bool, perms ...[]string) *Role {
		return &Role{ID: roleID(name), Name: name, DisplayName: display, Permissions: union(perms...),
			SchemeManaged: schemeManaged, BuiltIn: true}
	}
	roles := []*Role{
		mk(RoleSystemAdmin, "authentication.roles.global_admin.name", true,
			systemUserPerms, systemAdminOnly, teamUserPerms, teamAdminPerms, channelUserPerms, channelAdminPerms),
		mk(RoleSystemUser, "authentication.roles.global_user.name", true, systemUserPerms),
		mk(RoleSystemGuest, "authentication.roles.global_guest.name", true, []string{PermCreateDirectChannel, PermCreateGroupChannel}),
		mk(RoleSystemUserAccess, "authentication.roles.system_user_access_token.name", false,
			[]string{PermCreateUserAccessToken, PermReadUserAccessToken, PermRevokeUserAccessToken}),
		mk("system_post_all", "authentication.roles.system_post_all.name", false, []string{PermCreatePost}),
		mk("system_post_all_public", "authentication.roles.system_post_all_public.name", false, []string{PermCreatePostPublic}),
		mk(RoleTeamAdmin, "authentication.roles.team_admin.name", true, teamAdminPerms),
		mk(RoleTeamUser, "authentication.roles.team_user.name", true, teamUserPerms),
		mk(RoleTeamGuest, "authentication.roles.team_guest.name", true, []string{PermViewTeam}),
		mk("team_post_all", "authentication.roles.team_post_all.name", false, []string{PermCreatePost}),
		mk("team_post_all_public", "authentication.roles.team_post_all_public.name", false, []string{PermCreatePostPublic}),
		mk(RoleChannelAdmin, "authentication.roles.channel_admin.name", true, channelAdminPerms),
		mk(RoleChannelUser, "authentication.roles.channel_user.name", true, channelUserPerms),
		mk(RoleChannelGuest, "authentication.roles.channel_guest.name", true,
			[]string{PermReadChannel, PermAddReaction, PermRemoveReaction, PermUploadFile, PermEditPost, PermCreatePost, PermUseChannelMentions}),
	}
	out := make(map[string]*Role, len(roles))
	for _, r := range roles {
		out[r.Name] = r
	}
	return out
}

// roleID derives a stable 26-char id from the role name so ids survive restarts.
func roleID(name string) string {
	b := make([]byte, 16)
	copy(b, name)
	for i := 16; i < len(name); i++ {
		b[i%16] ^= name[i]
	}
	return idEncoding.EncodeToString(b)[:26]
}
