// One small global store: plain objects, replaced immutably, read with useStore.
import { useSyncExternalStore } from 'react'
import type { UserProfile } from '@mattermost/types/users'
import type { Team, TeamMembership } from '@mattermost/types/teams'
import type { Channel, ChannelMembership } from '@mattermost/types/channels'
import type { Post } from '@mattermost/types/posts'
import type { ConfirmRequest } from './components/Confirm'

export type Ch = Channel & { total_msg_count: number; total_msg_count_root?: number }
export type Mem = ChannelMembership & { msg_count_root?: number; mention_count_root?: number }

export interface ChannelPosts {
  order: string[] // root post ids, oldest first
  atOldest: boolean
  atNewest?: boolean // false: a window around an older post (a jump); newer pages load on scroll
  loading: boolean
}

export interface State {
  booted: boolean
  config: Record<string, string>
  me?: UserProfile
  // The terms of service the user accepted, from GET /users/me; kept apart
  // from me, which events and profile answers replace without these fields.
  terms?: { terms_of_service_id?: string; terms_of_service_create_at?: number }
  teams: Record<string, Team>
  myTeamIds: string[]
  teamMembers: Record<string, TeamMembership>
  teamUnread: Record<string, { msgs: number; mentions: number }>
  currentTeamId?: string
  currentChannelId?: string
  channels: Record<string, Ch>
  members: Record<string, Mem>
  favorites: Record<string, boolean>
  prefs: Record<string, string> // other preferences, "category:name" → value (lib/prefs)
  users: Record<string, UserProfile>
  statuses: Record<string, string>
  posts: Record<string, Post>
  channelPosts: Record<string, ChannelPosts>
  threads: Record<string, string[]> // root id → reply ids, oldest first
  typing: Record<string, Record<string, number>> // channel|root key → user → expiry
  newLineAt: Record<string, number> // channel → last_viewed_at when it was opened
  rhsRootId?: string
  socket: 'connecting' | 'open' | 'closed'
  theme: 'system' | 'light' | 'dark'
  toast?: string
  highlightId?: string
  editingId?: string
  modal?: string
  confirm?: ConfirmRequest
  customEmoji: Record<string, { id: string; name: string }> // by name
  myGroups: string[] // names of the custom groups I am in: @name of one mentions me
  rhsSearch?: SearchState
  preview?: { fileIds: string[]; index: number; infos: Record<string, any> }
}

export interface SearchState {
  terms: string
  loading: boolean
  error?: string
  order: string[] // post ids, newest first
  matches: Record<string, string[]>
}

const initial: State = {
  booted: false, config: {}, teams: {}, myTeamIds: [], teamMembers: {}, teamUnread: {}, channels: {},
  members: {}, favorites: {}, prefs: {}, users: {}, statuses: {}, posts: {}, channelPosts: {}, threads: {}, typing: {},
  newLineAt: {}, customEmoji: {}, myGroups: [], socket: 'closed', theme: (localStorage.getItem('parley.theme') as State['theme']) || 'system',
}

let state: State = initial
const listeners = new Set<() => void>()

export function getState(): State {
  return state
}

export function setState(patch: Partial<State> | ((s: State) => Partial<State>)) {
  const p = typeof patch === 'function' ? patch(state) : patch
  state = { ...state, ...p }
  listeners.forEach((l) => l())
}

export function resetState() {
  state = { ...initial, booted: true, config: state.config, theme: state.theme }
  listeners.forEach((l) => l())
}

function subscribe(l: () => void) {
  listeners.add(l)
  return () => listeners.delete(l)
}

export function useStore<T>(sel: (s: State) => T): T {
  return useSyncExternalStore(subscribe, () => sel(state))
}

export function upsert<T extends { id: string }>(map: Record<string, T>, items: T[]): Record<string, T> {
  if (!items.length) return map
  const next = { ...map }
  for (const it of items) next[it.id] = it
  return next
}

export function displayName(u?: UserProfile): string {
  if (!u) return 'Someone'
  return u.username
}

export function fullName(u?: UserProfile): string {
  if (!u) return ''
  return [u.first_name, u.last_name].filter(Boolean).join(' ')
}

/** The name shown for a channel: the other person for a DM, members for a group. */
export function channelTitle(ch: Ch | undefined, s: State = state): string {
  if (!ch) return ''
  if (ch.type === 'D') {
    const other = ch.name.split('__').find((id) => id !== s.me?.id) ?? s.me?.id
    const u = other ? s.users[other] : undefined
    return u ? u.username + (other === s.me?.id ? ' (you)' : '') : 'Deleted user' // an erased user is not returned by the server
  }
  return ch.display_name || ch.name
}

export function dmPartner(ch: Ch, s: State = state): string | undefined {
  if (ch.type !== 'D') return undefined
  return ch.name.split('__').find((id) => id !== s.me?.id) ?? s.me?.id
}
