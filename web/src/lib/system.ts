import type { Post } from '@mattermost/types/posts'

// Mattermost's texts for system messages and deleted or anonymised posts.
export const DELETED = '(message deleted)'

/** The text of a system message; `name` looks a user id up (old posts carry ids, not usernames). */
export function systemText(p: Post, name: (id: string) => string | undefined): string {
  const props = (p.props || {}) as Record<string, unknown>
  const str = (k: string) => (typeof props[k] === 'string' && props[k] ? props[k] as string : undefined)
  const user = (nameKey: string, idKey: string) => str(nameKey) || (str(idKey) && name(str(idKey)!))
  const actor = user('username', 'userId') || name(p.user_id) || 'someone'
  switch (p.type as string) {
    case 'system_join_team': return `@${actor} joined the team.`
    case 'system_leave_team': return `@${actor} left the team.`
    case 'system_join_channel': return `@${actor} joined the channel.`
    case 'system_leave_channel': return `@${actor} left the channel.`
    case 'system_add_to_channel': {
      const added = user('addedUsername', 'addedUserId')
      return added ? `@${added} added to the channel by @${actor}.` : DELETED // the added user was erased
    }
    case 'system_remove_from_channel': {
      const removed = user('removedUsername', 'removedUserId')
      return removed ? `@${removed} was removed from the channel.` : DELETED
    }
    case 'system_header_change': return `@${actor} updated the channel header.`
    case 'system_purpose_change': return `@${actor} updated the channel purpose.`
    case 'system_displayname_change': return `@${actor} renamed the channel.`
    case 'system_channel_deleted': return `@${actor} archived the channel.`
    case 'system_channel_restored': return `@${actor} unarchived the channel.`
    default: return p.message || DELETED
  }
}

/** A post with nothing left to show (anonymised by a user's erasure): shown as "(message deleted)". */
export function isEmptyPost(p: Post): boolean {
  const files = (p.metadata as any)?.files || []
  return !p.message && !(p.file_ids?.length) && !files.length && !(p.props as any)?.attachments
}
